// Keyboard shortcuts. Quizzes: 1-9 pick a choice, Enter checks the answer or goes on.
// Reviews: Space/Enter show the answer, 1-4 rate, u undoes, ? shows the keys.
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
    if (typing(target)) {
      return;
    }
    var rate = /^[1-4]$/.test(event.key) && quiz.querySelector("[data-rate='" + event.key + "']");
    if (rate) { event.preventDefault(); rate.click(); return; }
    if (event.key === " " && target.tagName !== "BUTTON" && target.tagName !== "INPUT") {
      var reveal = quiz.querySelector("[data-reveal]");
      if (reveal) { event.preventDefault(); reveal.click(); return; }
    }
    if (event.key === "u") {
      var undo = document.querySelector("[data-undo]");
      if (undo) { event.preventDefault(); undo.click(); }
      return;
    }
    if (event.key === "?") {
      var help = document.querySelector("[data-keys-help]");
      if (help) { event.preventDefault(); help.open = !help.open; }
      return;
    }
    if (/^[1-9]$/.test(event.key)) {
      var option = quiz.querySelectorAll("[data-option]")[Number(event.key) - 1];
      if (!option) return;
      event.preventDefault();
      if (option.tagName === "BUTTON") { option.click(); return; }
      option.checked = option.type === "checkbox" ? !option.checked : true;
      option.focus();
      return;
    }
    if (event.key === "Enter" && target.tagName !== "BUTTON" && target.tagName !== "A") {
      var next = quiz.querySelector("[data-next]") || quiz.querySelector("[data-reveal]");
      if (next) { event.preventDefault(); next.click(); return; }
      var form = quiz.querySelector("form[data-answer]");
      if (form && form.querySelector("button")) { event.preventDefault(); form.requestSubmit(); }
    }
  });

  // A countdown for timed quizzes; the server enforces the limit whatever this shows. At zero it says
  // time is up and submits: the answer in hand if there is one (flagged `timeup`, which the server
  // accepts a moment late and which closes the attempt), else it goes to the results, which closes it.
  var ticking = null;
  function answerInHand(form) {
    return Array.prototype.some.call(form.elements, function (el) {
      if (el.type === "radio" || el.type === "checkbox") return el.checked;
      if (el.tagName === "SELECT") return el.value !== "";
      return el.type === "text" && el.value.trim() !== "";
    });
  }
  function submitWhenTimeIsUp(timer) {
    var status = timer.querySelector("[data-time-up-status]");
    timer.querySelector("[data-timer]").textContent = timer.dataset.timeUp;
    if (status) status.textContent = timer.dataset.timeUp;
    var form = document.querySelector("form[data-answer]");
    if (form && answerInHand(form)) {
      var flag = document.createElement("input");
      flag.type = "hidden"; flag.name = "timeup"; flag.value = "1";
      form.appendChild(flag);
      form.submit();  // a plain submission (not htmx): the server answers with the results page
    } else {
      window.location.assign(timer.dataset.resultsUrl);
    }
  }
  function startTimer() {
    var timer = document.querySelector("[data-seconds-left]");
    if (ticking) { clearInterval(ticking); ticking = null; }
    if (!timer) return;
    var end = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
    var out = timer.querySelector("[data-timer]");
    function tick() {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      out.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left === 0) {
        clearInterval(ticking);
        ticking = null;
        // a second's margin: the page's clock started after the server's deadline was set
        setTimeout(function () { submitWhenTimeIsUp(timer); }, 1000);
      }
    }
    tick();
    ticking = setInterval(tick, 1000);
  }

  // Ordering questions: up/down buttons move an item and renumber every item's position select (which is all
  // the form sends, and all there is without this file). Focus stays on the button pressed.
  function showMoves() {
    document.querySelectorAll("[data-ordering] .move[hidden]").forEach(function (el) { el.hidden = false; });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-move]");
    if (!button) return;
    var item = button.closest("li"), list = item.parentNode;
    var items = Array.prototype.slice.call(list.children);
    items.forEach(function (li, i) {  // start from the positions chosen so far, blanks after them in page order
      var select = li.querySelector("[data-position]");
      li.dataset.rank = select.value ? Number(select.value) : items.length + i + 1;
    });
    items.sort(function (a, b) { return a.dataset.rank - b.dataset.rank; }).forEach(function (li) { list.appendChild(li); });
    if (button.dataset.move === "up" && item.previousElementSibling) list.insertBefore(item, item.previousElementSibling);
    if (button.dataset.move === "down" && item.nextElementSibling) list.insertBefore(item.nextElementSibling, item);
    Array.prototype.forEach.call(list.children, function (li, i) { li.querySelector("[data-position]").value = String(i + 1); });
    button.focus();
  });
  document.addEventListener("DOMContentLoaded", showMoves);
  document.addEventListener("htmx:afterSettle", showMoves);
  document.addEventListener("DOMContentLoaded", startTimer);
  document.addEventListener("htmx:afterSettle", startTimer);
})();
