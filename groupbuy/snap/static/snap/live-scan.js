// Live scanning: read barcodes and QR codes from the camera in the browser and
// look the code up at once; no photo is uploaded. Uses the browser's own
// BarcodeDetector where it reads product codes, otherwise the vendored
// barcode-detector ponyfill (zxing-cpp in WebAssembly, served from our static
// files: nothing is fetched from elsewhere). A code counts once it is read in
// two frames in a row, so one misread frame never becomes an answer.

import { barcodeDetector } from "./detector.js";

const gettext = (text) => (window.gettext ? window.gettext(text) : text);
const FORMATS = ["ean_13", "ean_8", "upc_a", "upc_e", "code_128", "qr_code"];
const FRAME_INTERVAL_MS = 150;

export function agreeingRead(previous, barcodes) {
  // Return the code to send when this frame repeats the previous frame's read.
  const first = barcodes.find((code) => FORMATS.includes(code.format));
  if (!first) return { next: null, send: null };
  const read = { format: first.format, text: first.rawValue };
  const same = previous && previous.format === read.format && previous.text === read.text;
  return { next: read, send: same ? read : null };
}

export function init(root) {
  const start = root.querySelector("#snap-live-start");
  const stop = root.querySelector("#snap-live-stop");
  const video = root.querySelector("#snap-live-video");
  const status = root.querySelector("#snap-live-status");
  const result = document.getElementById("snap-result");
  const form = document.getElementById("snap-form");
  if (!navigator.mediaDevices?.getUserMedia) {
    root.hidden = true; // the photo form below still works
    return;
  }
  root.hidden = false;
  let stream = null;
  let timer = null;
  let previous = null;
  let busy = false;

  const say = (text) => {
    status.textContent = text;
  };

  function halt() {
    clearTimeout(timer);
    timer = null;
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
  }

  async function send(read) {
    halt();
    say(gettext("Code read. Looking it up…"));
    const body = new FormData();
    body.append("format", read.format);
    body.append("text", read.text);
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    let response;
    let answer;
    try {
      response = await fetch(root.dataset.lookupUrl, {
        method: "POST",
        body,
        headers: { "X-Requested-With": "XMLHttpRequest" },
        credentials: "same-origin",
      });
      answer = await response.text();
    } catch {
      // Offline: say so (until 2026-12-06 "Looking it up…" stayed for good);
      // the camera can be started again.
      say(gettext("No connection. Check your network and try again."));
      return;
    }
    result.innerHTML = answer;
    document.dispatchEvent(new CustomEvent("snap:answered", { detail: { status: response.status } }));
    say("");
  }

  async function scan(detector) {
    if (!stream || busy) return;
    busy = true;
    try {
      const barcodes = await detector.detect(video);
      const { next, send: ready } = agreeingRead(previous, barcodes);
      previous = next;
      if (ready) {
        await send(ready);
        return;
      }
    } catch (error) {
      // A frame that is not ready yet: try the next one.
    } finally {
      busy = false;
    }
    if (stream) timer = setTimeout(() => scan(detector), FRAME_INTERVAL_MS);
  }

  start.addEventListener("click", async () => {
    say(gettext("Starting the camera…"));
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment" },
        audio: false,
      });
    } catch (error) {
      say(gettext("The camera is not available. Take a photo instead."));
      return;
    }
    video.srcObject = stream;
    video.hidden = false;
    start.hidden = true;
    stop.hidden = false;
    await video.play().catch(() => {});
    const detector = await barcodeDetector({
      formats: FORMATS,
      required: "ean_13",
      ponyfillSrc: root.dataset.ponyfillSrc,
      wasmSrc: root.dataset.wasmSrc,
    });
    previous = null;
    say(gettext("Hold the barcode in front of the camera."));
    scan(detector);
  });
  stop.addEventListener("click", () => {
    halt();
    say("");
  });
}
