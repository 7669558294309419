// "Use my location": fill the request form's hidden latitude and longitude
// from the browser's geolocation (the button is shown only where the browser
// offers it), say "Using your location." in the status line (a live region,
// always there, so screen readers hear it) and offer to clear it.
const button = document.getElementById("pool-locate");
const latitude = document.getElementById("id_latitude");
const longitude = document.getElementById("id_longitude");
const status = document.getElementById("pool-location-status");
const clear = document.getElementById("pool-location-clear");

function located(isLocated) {
  status.textContent = isLocated ? status.dataset.using : "";
  clear.hidden = !isLocated;
}

if (button && latitude && longitude && status && clear && navigator.geolocation) {
  button.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        located(true);
        button.disabled = false;
      },
      () => {
        button.disabled = false;
      },
      { maximumAge: 60000, timeout: 10000 },
    );
  });
  clear.addEventListener("click", () => {
    latitude.value = "";
    longitude.value = "";
    located(false);
    button.focus(); // the focused Clear button has just been hidden
  });
}
