// "Use my location": fill the request form's latitude and longitude from the
// browser's geolocation (shown only where the browser offers it).
const button = document.getElementById("pool-locate");
const latitude = document.getElementById("id_latitude");
const longitude = document.getElementById("id_longitude");
if (button && latitude && longitude && navigator.geolocation) {
  button.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        button.disabled = false;
      },
      () => {
        button.disabled = false;
      },
      { maximumAge: 60000, timeout: 10000 },
    );
  });
}
