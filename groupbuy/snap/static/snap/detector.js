// A BarcodeDetector for the given formats: the browser's own where it reads
// `required`, otherwise the vendored barcode-detector ponyfill (zxing-cpp in
// WebAssembly, served from our static files: nothing is fetched from
// elsewhere). Used by the snap page's live scan and the coupon till.

async function nativeDetector(formats, required) {
  if (!("BarcodeDetector" in window)) return null;
  try {
    const supported = await window.BarcodeDetector.getSupportedFormats();
    if (!supported.includes(required)) return null;
    return new window.BarcodeDetector({ formats: formats.filter((f) => supported.includes(f)) });
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

async function ponyfillDetector(formats, ponyfillSrc, wasmSrc) {
  if (!window.BarcodeDetectionAPI) await loadScript(ponyfillSrc);
  const api = window.BarcodeDetectionAPI;
  api.prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) => (path.endsWith(".wasm") ? wasmSrc : prefix + path),
    },
  });
  return new api.BarcodeDetector({ formats });
}

export async function barcodeDetector({ formats, required, ponyfillSrc, wasmSrc }) {
  return (
    (await nativeDetector(formats, required)) ||
    (await ponyfillDetector(formats, ponyfillSrc, wasmSrc))
  );
}
