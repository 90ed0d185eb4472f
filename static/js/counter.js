// Progressive enhancement: a character counter under every text area with a maximum length.
(function () {
  "use strict";
  document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    var max = parseInt(area.getAttribute("maxlength"), 10);
    var counter = document.createElement("div");
    counter.className = "form-text text-end";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    function update() {
      counter.textContent = area.value.length.toLocaleString() + " / " + max.toLocaleString();
      counter.classList.toggle("text-danger", area.value.length > max * 0.95);
    }
    area.addEventListener("input", update);
    update();
  });
})();
