// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // Risk forms: show the score (kans × impact) at once, and the "why not assessable" fields
  // only when "cannot be assessed" is chosen.
  var matrixNode = document.getElementById("score-matrix");
  if (!matrixNode) return;
  var matrix = JSON.parse(matrixNode.textContent);
  document.querySelectorAll("[data-score-group]").forEach(function (group) {
    var output = group.querySelector("[data-score-output]");
    function chosen(part) {
      var input = group.querySelector("input[type=radio][name$='" + part + "']:checked");
      return input ? input.value : "";
    }
    function toggleReasons() {
      ["likelihood", "impact"].forEach(function (part) {
        var reason = group.querySelector("textarea[name$='" + part + "_reason']");
        if (!reason) return;
        var wrapper = reason.closest(".mb-3") || reason.parentElement;
        wrapper.hidden = chosen(part) !== "not_assessable" && reason.value.trim() === "";
      });
    }
    function update() {
      var l = chosen("likelihood"), i = chosen("impact");
      var cell = matrix.cells[l + ":" + i];
      output.classList.remove("score-na", "score-none");
      output.style.background = "";
      if (l === "not_assessable" || i === "not_assessable") {
        output.textContent = matrix.not_assessable;
        output.classList.add("score-na");
      } else if (cell) {
        output.textContent = cell.label;
        output.style.background = cell.colour;
      } else {
        output.textContent = matrix.unscored;
        output.classList.add("score-none");
      }
      toggleReasons();
    }
    group.addEventListener("change", update);
    update();
  });
})();
