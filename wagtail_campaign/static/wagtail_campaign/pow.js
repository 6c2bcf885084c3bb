// Proof of work for a message wall's form, in ALTCHA's format: find the number n
// with SHA-256(salt + n) == challenge, then put the signed answer in the hidden field.
// Nothing is sent anywhere else. The form can be sent at any time: without an answer
// the server accepts the message but holds it for review.
(function () {
  "use strict";
  var input = document.querySelector("input[data-wc-pow]");
  if (!input) return;
  var status = document.querySelector("[data-wc-pow-status]");
  // Digests requested at once: they run off the main thread, and between batches the
  // page handles the visitor's typing.
  var BATCH = 1000;

  function say(state) {
    if (!status) return;
    status.hidden = false;
    // A live region announces changes: show it empty first, then give it its text.
    window.setTimeout(function () {
      status.textContent = status.getAttribute("data-" + state) || "";
      status.setAttribute("data-wc-pow-state", state);
    }, 50);
  }

  var puzzle;
  try {
    puzzle = JSON.parse(input.getAttribute("data-wc-pow"));
  } catch (e) {
    puzzle = null;
  }
  var subtle = window.crypto && window.crypto.subtle;
  // crypto.subtle exists only on https:// pages (and localhost).
  if (!puzzle || puzzle.algorithm !== "SHA-256" || !subtle || !window.TextEncoder ||
      !window.Promise || !/^[0-9a-f]{64}$/.test(puzzle.challenge)) {
    say("failed");
    return;
  }
  var encoder = new TextEncoder();
  var target = new Uint8Array(32);
  for (var i = 0; i < 32; i++) target[i] = parseInt(puzzle.challenge.substr(i * 2, 2), 16);
  var max = Number(puzzle.maxnumber) || 0;

  function matches(buffer) {
    var bytes = new Uint8Array(buffer);
    for (var j = 0; j < 32; j++) if (bytes[j] !== target[j]) return false;
    return true;
  }

  function search(start) {
    var end = Math.min(start + BATCH, max + 1);
    var work = [];
    for (var n = start; n < end; n++) work.push(subtle.digest("SHA-256", encoder.encode(puzzle.salt + n)));
    return Promise.all(work).then(function (hashes) {
      for (var k = 0; k < hashes.length; k++) if (matches(hashes[k])) return start + k;
      return end > max ? null : search(end);
    });
  }

  say("working");
  search(0).then(function (number) {
    if (number === null) { say("failed"); return; }
    input.value = window.btoa(JSON.stringify({
      algorithm: puzzle.algorithm,
      challenge: puzzle.challenge,
      number: number,
      salt: puzzle.salt,
      signature: puzzle.signature
    }));
    say("ready");
  }, function () { say("failed"); });
})();
