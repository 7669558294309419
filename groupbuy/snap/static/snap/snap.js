// Snap to deal: take a photo, shrink it, upload it with a progress bar, show the
// answer the server renders. Without JavaScript the form posts as it is.
//
// Big camera photos are redrawn on a canvas to at most MAX_SIDE pixels and sent as
// JPEG at quality 0.92: a tenth of the bytes, and barcodes stay sharp enough to read.
import { init as initLiveScan } from "./live-scan.js";
import { enableReadAloud } from "./speak.js";

// Django's JavaScriptCatalog (loaded by web/base.html) defines these globals.
const gettext = (text) => (window.gettext ? window.gettext(text) : text);
const interpolate = (format, values) =>
  window.interpolate
    ? window.interpolate(format, values, true)
    : format.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));

const MAX_SIDE = 1600;
const JPEG_QUALITY = 0.92;
const SENDABLE_TYPES = ["image/jpeg", "image/png", "image/webp"];

function csrfToken(form) {
  const field = form.querySelector("input[name=csrfmiddlewaretoken]");
  return field ? field.value : "";
}

async function decode(file) {
  if ("createImageBitmap" in window) {
    try {
      return await createImageBitmap(file, { imageOrientation: "from-image" });
    } catch (error) {
      // Not decodable here (e.g. HEIC on some browsers): send the file as it is.
      return null;
    }
  }
  return null;
}

// Return the Blob to upload: the original when it is already small and of a type
// the server takes, otherwise a JPEG redrawn to fit MAX_SIDE.
export async function preparePhoto(file) {
  const bitmap = await decode(file);
  if (!bitmap) return file;
  const longSide = Math.max(bitmap.width, bitmap.height);
  if (longSide <= MAX_SIDE && SENDABLE_TYPES.includes(file.type)) {
    bitmap.close?.();
    return file;
  }
  const scale = Math.min(1, MAX_SIDE / longSide);
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const context = canvas.getContext("2d");
  context.imageSmoothingQuality = "high";
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close?.();
  const blob = await new Promise((resolve) =>
    canvas.toBlob(resolve, "image/jpeg", JPEG_QUALITY),
  );
  return blob || file;
}

function upload(form, blob, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    request.setRequestHeader("X-CSRFToken", csrfToken(form));
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.addEventListener("load", () => resolve(request));
    request.addEventListener("error", () => reject(new Error("network")));
    request.addEventListener("abort", () => reject(new Error("aborted")));
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken(form));
    body.append("photo", blob, blob.name || "snap.jpg");
    request.send(body);
  });
}

function showResult(container, html) {
  container.innerHTML = html;
  enableReadAloud(container);
  // Start the countdowns and other modules in the new markup (web/js/app.js).
  container.dispatchEvent(new CustomEvent("htmx:load", { bubbles: true }));
  container.scrollIntoView({ behavior: "smooth", block: "start" });
}

function showMessage(container, text) {
  const card = document.createElement("div");
  card.className = "card snap-error";
  card.id = "snap-error";
  card.setAttribute("role", "alert");
  const paragraph = document.createElement("p");
  paragraph.id = "snap-error-message";
  paragraph.textContent = text;
  card.append(paragraph);
  container.replaceChildren(card);
}

export function init(root) {
  const form = root.querySelector("#snap-form");
  const input = root.querySelector("#snap-photo");
  const sendButton = root.querySelector("#snap-send");
  const previewBox = root.querySelector("#snap-preview-box");
  const preview = root.querySelector("#snap-preview");
  const progressBox = root.querySelector("#snap-progress-box");
  const progress = root.querySelector("#snap-progress");
  const progressText = root.querySelector("#snap-progress-text");
  const result = root.querySelector("#snap-result");
  let previewUrl = null;
  let busy = false;

  enableReadAloud(result); // an answer rendered with the page (no-JS post)
  // With JavaScript the photo goes as soon as it is taken; no second tap.
  sendButton.hidden = true;
  root.classList.add("snap-enhanced");

  function setProgress(fraction, text) {
    progress.value = Math.round(fraction * 100);
    progressText.textContent = text;
  }

  async function send(file) {
    if (busy) return;
    busy = true;
    form.setAttribute("aria-busy", "true");
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = URL.createObjectURL(file);
    preview.src = previewUrl;
    previewBox.hidden = false;
    progressBox.hidden = false;
    result.replaceChildren();
    setProgress(0, gettext("Preparing the photo…"));
    // Below the Take a photo button, which at large text ends near the bottom
    // of a phone's screen: bring it up (with its words, which give it its
    // height) so a slow upload is seen to be going.
    progressBox.scrollIntoView({ block: "nearest" });
    try {
      const blob = await preparePhoto(file);
      const maxBytes = Number(root.dataset.maxBytes) || 0;
      if (maxBytes && blob.size > maxBytes) {
        showMessage(
          result,
          interpolate(gettext("This photo is too large. Please send one under %(mb)s MB."), {
            mb: Math.floor(maxBytes / 1048576),
          }),
        );
        return;
      }
      const request = await upload(form, blob, (fraction) =>
        setProgress(
          fraction,
          fraction < 1 ? gettext("Uploading…") : gettext("Recognising…"),
        ),
      );
      setProgress(1, "");
      if (request.getResponseHeader("Content-Type")?.startsWith("text/html")) {
        showResult(result, request.responseText);
      } else {
        showMessage(result, gettext("Something went wrong. Please try again."));
      }
    } catch (error) {
      showMessage(result, gettext("No connection. Check your network and try again."));
    } finally {
      progressBox.hidden = true;
      form.removeAttribute("aria-busy");
      busy = false;
      input.value = "";
    }
  }

  input.addEventListener("change", () => {
    const file = input.files && input.files[0];
    if (file) send(file);
  });

  // "This one" and "None of these": post in place and swap the answer. While
  // one is on its way the choices take no second tap; one that fails (offline,
  // or a server error without an answer to show) says so above the choices,
  // which stay to tap again. Until 2026-12-06 a failure did nothing visible.
  let choosing = false;
  function choiceButtons() {
    return result.querySelectorAll("form.snap-choose button, form.snap-none button");
  }
  function sayChoiceFailed(text) {
    let note = result.querySelector("#snap-choice-error");
    if (!note) {
      note = document.createElement("p");
      note.id = "snap-choice-error";
      note.className = "errorlist";
      note.setAttribute("role", "alert");
      result.prepend(note);
    }
    note.textContent = text;
  }
  result.addEventListener("submit", async (event) => {
    const choice = event.target.closest("form.snap-choose, form.snap-none");
    if (!choice) return;
    event.preventDefault();
    if (choosing) return;
    choosing = true;
    const buttons = [...choiceButtons()];
    for (const button of buttons) button.disabled = true;
    choice.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(choice.action, {
        method: "POST",
        body: new FormData(choice),
        headers: { "X-Requested-With": "XMLHttpRequest", "X-CSRFToken": csrfToken(form) },
        credentials: "same-origin",
      });
      const isAnswer =
        response.status < 500 && response.headers.get("Content-Type")?.startsWith("text/html");
      if (isAnswer) showResult(result, await response.text());
      else sayChoiceFailed(gettext("Something went wrong. Please try again."));
    } catch {
      sayChoiceFailed(gettext("No connection. Check your network and try again."));
    } finally {
      choosing = false;
      choice.removeAttribute("aria-busy");
      for (const button of buttons) if (button.isConnected) button.disabled = false;
    }
  });
}

const root = document.getElementById("snap");
if (root) init(root);
const liveScan = document.getElementById("snap-live");
if (liveScan) initLiveScan(liveScan);
