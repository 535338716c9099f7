// Small improvements on top of pages that work without JavaScript.
(function () {
  'use strict';
  function ready(fn) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fn);
    else fn();
  }
  ready(function () {
    // "Select all" boxes: shown only when this script runs; ticks every box of its name.
    document.querySelectorAll('input[data-selects]').forEach(function (all) {
      var name = all.getAttribute('data-selects');
      var form = all.form || all.closest('form') || document;
      var boxes = function () {
        return Array.prototype.slice.call(document.querySelectorAll('input[type=checkbox][name="' + name + '"]'));
      };
      all.hidden = false;
      all.addEventListener('change', function () {
        boxes().forEach(function (b) { b.checked = all.checked; });
      });
      void form;
    });
    // The language switcher submits as soon as a language is chosen.
    var lang = document.getElementById('lang-select');
    if (lang && lang.form) {
      lang.addEventListener('change', function () { lang.form.submit(); });
    }
  });
})();
