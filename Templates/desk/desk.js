// Keyboard shortcuts of the queue: j/k move, s select, r reject, o open. Everything also works
// without this file (plain forms and links).
(function () {
  var items = Array.prototype.slice.call(document.querySelectorAll('.queue-item'));
  if (!items.length) return;
  var index = 0;
  function show(i) {
    items[index].classList.remove('current');
    index = Math.max(0, Math.min(items.length - 1, i));
    items[index].classList.add('current');
    items[index].focus();
  }
  show(0);
  document.addEventListener('keydown', function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    var item = items[index];
    if (event.key === 'j') { show(index + 1); event.preventDefault(); }
    else if (event.key === 'k') { show(index - 1); event.preventDefault(); }
    else if (event.key === 'o') { item.querySelector('.queue-title').click(); }
    else if (event.key === 's' || event.key === 'r') {
      var button = item.querySelector('button[data-key="' + event.key + '"]');
      if (button) button.form.submit();
    }
  });
})();
