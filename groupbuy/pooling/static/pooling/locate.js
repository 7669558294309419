// "Use my location": fill the request form's hidden latitude and longitude
// from the browser's geolocation (the button is shown only where the browser
// offers it), say "Using your location." in the status line (a live region,
// always there, so screen readers hear it) and offer to clear it. While the
// browser looks, the line says so; when the person has turned location off for
// the site, or it cannot be found, it says that instead of nothing.
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
    status.textContent = status.dataset.finding;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        located(true);
        button.disabled = false;
      },
      (error) => {
        button.disabled = false;
        // A place found earlier stays in the form (Clear still offered).
        clear.hidden = latitude.value === "";
        status.textContent =
          error.code === error.PERMISSION_DENIED
            ? status.dataset.denied
            : status.dataset.failed;
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
