// Keyboard shortcuts for quizzes: 1-9 pick a choice, Enter checks the answer or goes on.
// Everything works without this file: it only adds keys and a countdown.
(function () {
  "use strict";

  function typing(el) {
    return el && (el.matches("input[type=text], textarea, select") || el.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var quiz = document.querySelector("[data-quiz]");
    if (!quiz) return;
    var target = event.target;
    if (/^[1-9]$/.test(event.key) && !typing(target)) {
      var option = quiz.querySelectorAll("[data-option]")[Number(event.key) - 1];
      if (!option) return;
      event.preventDefault();
      if (option.tagName === "BUTTON") { option.click(); return; }
      option.checked = option.type === "checkbox" ? !option.checked : true;
      option.focus();
      return;
    }
    if (event.key === "Enter" && !typing(target) && target.tagName !== "BUTTON" && target.tagName !== "A") {
      var next = quiz.querySelector("[data-next]") || quiz.querySelector("[data-reveal]");
      if (next) { event.preventDefault(); next.click(); return; }
      var form = quiz.querySelector("form[data-answer]");
      if (form && form.querySelector("button")) { event.preventDefault(); form.requestSubmit(); }
    }
  });

  // A countdown for timed quizzes; the server enforces the limit whatever this shows.
  var ticking = null;
  function startTimer() {
    var timer = document.querySelector("[data-seconds-left]");
    if (ticking) { clearInterval(ticking); ticking = null; }
    if (!timer) return;
    var end = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
    var out = timer.querySelector("[data-timer]");
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      out.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0) { clearInterval(ticking); }
    }
    tick();
    ticking = setInterval(tick, 1000);
  }
  document.addEventListener("DOMContentLoaded", startTimer);
  document.addEventListener("htmx:afterSettle", startTimer);
})();
