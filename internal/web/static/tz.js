// rocca: tells the server the browser's time zone (cookie rocca_tz), so
// that reporting deadlines are shown in it. Without it they are in UTC.
"use strict";
(function () {
  try {
    var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!tz || tz.length > 64) { return; }
    var v = encodeURIComponent(tz);
    if (document.cookie.indexOf("rocca_tz=" + v) === -1) {
      document.cookie = "rocca_tz=" + v + "; path=/; max-age=31536000; samesite=lax" +
        (location.protocol === "https:" ? "; secure" : "");
    }
  } catch (e) { /* no Intl: UTC */ }
})();
