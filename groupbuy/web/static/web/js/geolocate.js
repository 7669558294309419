// "Nearest first": on a tap, ask the browser for its position and reload the deal
// list with ?lat=…&lng=… (the server sorts by the nearest branch). Nothing is
// asked until the person taps the button.
//
// <button data-module="geolocate" data-status="#geo-status">…</button>
import { gettext } from "./i18n.js";

export function init(button) {
  const status = document.querySelector(button.dataset.status || "#geo-status");
  const say = (text) => {
    if (status) status.textContent = text;
  };
  if (!("geolocation" in navigator)) {
    button.hidden = true;
    return;
  }
  button.addEventListener("click", () => {
    button.disabled = true;
    say(gettext("Finding your location…"));
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const url = new URL(window.location.href);
        url.searchParams.set("lat", position.coords.latitude.toFixed(5));
        url.searchParams.set("lng", position.coords.longitude.toFixed(5));
        url.searchParams.delete("page");
        window.location.assign(url.toString());
      },
      (error) => {
        button.disabled = false;
        say(
          error.code === error.PERMISSION_DENIED
            ? gettext("Location is turned off for this site; showing all deals.")
            : gettext("Your location could not be found; please try again."),
        );
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 },
    );
  });
}
