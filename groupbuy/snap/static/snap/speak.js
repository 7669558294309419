// "Read aloud" on a snap's answer: the browser's speech synthesis says the
// recognised product's name in the page's language. The button stays hidden
// where the browser cannot speak. (The grocery photo set snap learns from was
// made for assistive technology for people with visual impairments.)

// The speech language for a page language (the <html lang>): voices are named
// by region, so Chinese in simplified script is spoken as zh-CN.
export function speechLanguage(pageLanguage) {
  const language = String(pageLanguage || "").toLowerCase();
  if (language.startsWith("zh")) return "zh-CN";
  if (language.startsWith("en")) return "en-US";
  return language || "en-US";
}

export function canSpeak(view) {
  return Boolean(view && view.speechSynthesis && view.SpeechSynthesisUtterance);
}

// Show and wire the [data-speak] buttons inside `container`.
export function enableReadAloud(container, view = window) {
  if (!canSpeak(view)) return;
  for (const button of container.querySelectorAll("button[data-speak]")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const utterance = new view.SpeechSynthesisUtterance(button.dataset.speak);
      utterance.lang = speechLanguage(view.document.documentElement.lang);
      view.speechSynthesis.cancel(); // a second tap starts again, not queues
      view.speechSynthesis.speak(utterance);
    });
  }
}
