// Scan with the camera: the code is read in the browser and only its text is
// sent (the server then only decrypts and verifies: no picture to decode).
// Uses the browser's own BarcodeDetector where it reads QR codes, otherwise
// the vendored barcode-detector ponyfill (zxing-cpp in WebAssembly, served
// from our static files, shared with the snap page). Without a camera the
// photo upload and the keyboard-wedge field (a USB scanner types + Enter)
// remain.
import { barcodeDetector } from "../snap/detector.js";

const FORMATS = ["qr_code", "pdf417", "data_matrix"];
const FRAME_INTERVAL_MS = 150;
const button = document.getElementById("camera-scan");
const video = document.getElementById("camera");
const field = document.getElementById("redeem-code");

// A refused scan comes back with what was sent in the field: select it, so the
// next scan (a USB scanner types over a selection) replaces it instead of
// being added to it.
if (field?.value) {
  field.focus();
  field.select();
}

if (navigator.mediaDevices?.getUserMedia && button && field) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    const detector = await barcodeDetector({
      formats: FORMATS,
      required: "qr_code",
      ponyfillSrc: button.dataset.ponyfillSrc,
      wasmSrc: button.dataset.wasmSrc,
    });
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    const tick = async () => {
      const codes = await detector.detect(video).catch(() => []);
      const found = codes.find((code) => code.rawValue.startsWith("GB1:"));
      if (found) {
        stream.getTracks().forEach((track) => track.stop());
        field.value = found.rawValue;
        document.getElementById("redeem-form").submit();
        return;
      }
      setTimeout(tick, FRAME_INTERVAL_MS);
    };
    tick();
  });
}
