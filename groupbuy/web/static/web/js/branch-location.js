// "Use my current location" on a branch's form: the site works offline, with no
// map tiles, so an owner standing at the branch taps this instead of reading the
// coordinates off a map. It asks the browser for its position (nothing is asked
// until the tap) and fills the latitude and longitude fields; the status line
// says when the browser refuses or cannot tell.
//
// <button data-module="branch-location" data-latitude="#id_latitude"
//   data-longitude="#id_longitude" data-status="#branch-locate-status" hidden>
import { gettext } from "./i18n.js";

// GeolocationPositionError.PERMISSION_DENIED (the others: unavailable, timeout)
const PERMISSION_DENIED = 1;

/** The fields' values for a position: the six decimals a branch keeps (~0.1 m). */
export function fieldValues(position) {
  return {
    latitude: position.coords.latitude.toFixed(6),
    longitude: position.coords.longitude.toFixed(6),
  };
}

/** What to tell the owner when the browser gave no position. */
export function failureText(error) {
  if (error.code === PERMISSION_DENIED) {
    return gettext(
      "Location is turned off for this site: allow it in the browser's settings, or type the coordinates in by hand.",
    );
  }
  return gettext(
    "Your location could not be found: try again outdoors, or type the coordinates in by hand.",
  );
}

export function init(button) {
  const status = document.querySelector(button.dataset.status);
  const latitude = document.querySelector(button.dataset.latitude);
  const longitude = document.querySelector(button.dataset.longitude);
  const say = (text) => {
    if (status) status.textContent = text;
  };
  // A browser tells its position only to a secure (https) page.
  if (!("geolocation" in navigator) || window.isSecureContext === false) {
    say(gettext("This browser cannot tell where it is: type the coordinates in by hand."));
    return;
  }
  button.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    say(gettext("Finding your location…"));
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const values = fieldValues(position);
        latitude.value = values.latitude;
        longitude.value = values.longitude;
        button.disabled = false;
        say(gettext("Filled in where you are now: check the numbers, then save."));
      },
      (error) => {
        button.disabled = false;
        say(failureText(error));
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}
