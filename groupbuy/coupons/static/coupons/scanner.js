// Scan with the camera: the code is read in the browser and only its text is
// sent (the server then only decrypts and verifies: no picture to decode).
// Uses the browser's own BarcodeDetector where it reads QR codes, otherwise
// the vendored barcode-detector ponyfill (zxing-cpp in WebAssembly, served
// from our static files, shared with the snap page). Without a camera the
// photo upload and the keyboard-wedge field (a USB scanner types + Enter)
// remain.
const FORMATS = ["qr_code", "pdf417", "data_matrix"];
const FRAME_INTERVAL_MS = 150;
const button = document.getElementById("camera-scan");
const video = document.getElementById("camera");
const field = document.getElementById("redeem-code");

async function nativeDetector() {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const supported = await window.BarcodeDetector.getSupportedFormats();
    if (!supported.includes("qr_code")) return null;
    return new window.BarcodeDetector({ formats: FORMATS.filter((f) => supported.includes(f)) });
  } catch (error) {
    return null;
  }
}

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = src;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`could not load ${src}`));
    document.head.append(script);
  });
}

async function ponyfillDetector() {
  if (!window.BarcodeDetectionAPI) await loadScript(button.dataset.ponyfillSrc);
  const api = window.BarcodeDetectionAPI;
  const wasmUrl = button.dataset.wasmSrc;
  api.prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasmUrl : prefix + path),
    },
  });
  return new api.BarcodeDetector({ formats: FORMATS });
}

if (navigator.mediaDevices?.getUserMedia && button && field) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    const detector = (await nativeDetector()) || (await ponyfillDetector());
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
