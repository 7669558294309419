// Scan with the camera where the browser offers BarcodeDetector; otherwise the
// photo upload and the keyboard-wedge field (a USB scanner types + Enter) remain.
const button = document.getElementById("camera-scan");
const video = document.getElementById("camera");
const field = document.getElementById("redeem-code");

if ("BarcodeDetector" in window && navigator.mediaDevices && button) {
  button.hidden = false;
  button.addEventListener("click", async () => {
    const detector = new window.BarcodeDetector({ formats: ["qr_code", "pdf417", "data_matrix"] });
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
      requestAnimationFrame(tick);
    };
    tick();
  });
}
