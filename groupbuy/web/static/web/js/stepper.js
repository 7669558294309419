// data-module="stepper": − and + buttons around a number input.
//
// <div class="stepper" data-module="stepper"><input type="number" min="1" max="5"></div>
//
// Without JavaScript the number input works on its own; with it the buttons step
// the value within the input's min and max (and grey out at either end).
import { gettext } from "./i18n.js";

function bounds(input) {
  const min = Number(input.min);
  const max = Number(input.max);
  return {
    min: Number.isFinite(min) && input.min !== "" ? min : 1,
    max: Number.isFinite(max) && input.max !== "" ? max : Infinity,
  };
}

export function clamp(value, { min, max }) {
  const number = Math.trunc(Number(value));
  if (!Number.isFinite(number)) return min;
  return Math.max(min, Math.min(max, number));
}

function button(text, label, className) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `stepper-button ${className}`;
  element.textContent = text;
  element.setAttribute("aria-label", label);
  return element;
}

export function init(root) {
  const input = root.querySelector('input[type="number"]');
  if (!input) return;
  const minus = button("−", gettext("One less"), "stepper-minus");
  const plus = button("+", gettext("One more"), "stepper-plus");
  root.prepend(minus);
  root.append(plus);
  const refresh = () => {
    const { min, max } = bounds(input);
    const value = Number(input.value);
    minus.disabled = !(value > min);
    plus.disabled = !(value < max);
  };
  const step = (delta) => {
    const limits = bounds(input);
    input.value = String(clamp((Number(input.value) || limits.min) + delta, limits));
    input.dispatchEvent(new Event("input", { bubbles: true }));
    refresh();
  };
  minus.addEventListener("click", () => step(-1));
  plus.addEventListener("click", () => step(1));
  input.addEventListener("input", refresh);
  refresh();
}
