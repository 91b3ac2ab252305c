// The desk in place. Without this file everything works as plain forms and links; with it:
// - filters, state links and the back button change the list without loading a page;
// - actions (buttons, keys, bulk on marked rows or on everything shown) post to /items/bulk
//   asking for JSON, change the rows where they stand, say what was done, and can be undone;
// - o or a title opens the item in a reading pane beside the list, whose forms work in place.
// Keys: j/k move, o read, x mark (shift-click marks a range), s select, r reject, p pin,
// q queue, u undo, Escape closes the pane.
(function () {
  'use strict';
  var main = document.getElementById('contenu');
  var status = document.getElementById('desk-status');
  if (!main || !status) return;
  var cursor = 0;
  var lastMarked = null;
  var lastAction = null;
  var done = {
    select: ['sélectionné', 'sélectionnés'], reject: ['rejeté', 'rejetés'], queue: ['remis en file', 'remis en file'],
    pin: ['épinglé', 'épinglés'], unpin: ['désépinglé', 'désépinglés']
  };
  // The action that puts an item back in a state (none puts it back to « publié »).
  var verbs = { queued: 'queue', selected: 'select', rejected: 'reject', 'new': 'queue' };

  function rows() { return Array.prototype.slice.call(main.querySelectorAll('.queue-item')); }
  function rowOf(id) { return main.querySelector('.queue-item[data-id="' + id + '"]'); }
  function csrf() { var input = document.querySelector('input[name="csrf"]'); return input ? input.value : ''; }
  function elements(count) { return count + ' ' + (count > 1 ? 'éléments' : 'élément'); }

  function show(index, focus) {
    var list = rows();
    if (!list.length) return;
    if (list[cursor]) list[cursor].classList.remove('current');
    cursor = Math.max(0, Math.min(list.length - 1, index));
    list[cursor].classList.add('current');
    if (focus !== false) list[cursor].focus();
  }

  function say(text, offerUndo) {
    status.textContent = '';
    var words = document.createElement('span');
    words.textContent = text;
    status.appendChild(words);
    if (offerUndo) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'undo';
      button.textContent = 'Annuler';
      button.addEventListener('click', undo);
      status.appendChild(document.createTextNode(' '));
      status.appendChild(button);
    }
  }

  function post(url, params) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin', body: params.toString(),
      headers: { 'Accept': 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    });
  }

  // The row (and the pane, if it shows the item) take the item's new state and version.
  function apply(result) {
    if (result.version === undefined) return;
    var row = rowOf(result.id);
    if (!row) return;
    row.dataset.version = result.version;
    row.dataset.state = result.state;
    row.dataset.pinned = result.pinned ? '1' : '';
    row.dataset.reason = result.reason || '';
    Array.prototype.forEach.call(row.querySelectorAll('input[name="version"]'), function (input) { input.value = result.version; });
    var mark = row.querySelector('.mark');
    if (mark) mark.value = result.id + ':' + result.version;
    var shown = document.querySelector('#bulk input[name="shown[]"][value^="' + result.id + ':"]');
    if (shown) shown.value = result.id + ':' + result.version;
    // The pane, when it shows this item, posts from the new version too.
    var pane = main.querySelector('#pane');
    if (pane && !pane.hidden && pane.dataset.id === String(result.id)) {
      Array.prototype.forEach.call(pane.querySelectorAll('input[name="version"]'), function (input) { input.value = result.version; });
    }
    var state = row.querySelector('.state');
    if (state) state.textContent = result.state_label + (result.reason ? ' (motif : ' + result.reason + ')' : '');
    var pin = row.querySelector('.pin');
    if (pin) pin.hidden = !result.pinned;
    row.classList.add('decided');
  }

  function marked() { return rows().filter(function (row) { var box = row.querySelector('.mark'); return box && box.checked; }); }
  function targets() { var list = marked(); return list.length ? list : rows().slice(cursor, cursor + 1); }
  function countMarked() {
    var count = marked().length;
    var label = main.querySelector('.marked-count');
    if (label) { label.hidden = false; label.textContent = count + (count > 1 ? ' marqués' : ' marqué'); }
  }
  function unmarkAll() {
    rows().forEach(function (row) { var box = row.querySelector('.mark'); if (box) box.checked = false; });
    countMarked();
  }
  function reasonFields() {
    var reason = main.querySelector('#bulk-reason'), other = main.querySelector('#bulk-reason-other');
    return { reason: reason ? reason.value : '', reason_other: other ? other.value : '' };
  }

  // One action on some rows, through /items/bulk: each item against the version its row shows.
  function act(action, list, extra, undoing) {
    if (!list.length) return Promise.resolve([]);
    var params = new URLSearchParams();
    params.append('csrf', csrf());
    params.append('action', action);
    list.forEach(function (row) { params.append('item[]', row.dataset.id + ':' + row.dataset.version); });
    Object.keys(extra || {}).forEach(function (name) { if (extra[name]) params.append(name, extra[name]); });
    var before = list.map(function (row) {
      return { id: row.dataset.id, state: row.dataset.state, pinned: row.dataset.pinned === '1', reason: row.dataset.reason || '' };
    });
    return post('/items/bulk', params).then(function (reply) {
      if (!reply.body.results) { say(reply.body.message || 'Action refusée.'); return []; }
      var changed = [], refused = [];
      // While undoing, a refused item keeps its row as it is: the next step must not post from
      // a version another editor wrote.
      reply.body.results.forEach(function (result) { if (result.ok || !undoing) apply(result); (result.ok ? changed : refused).push(result); });
      if (!undoing) {
        lastAction = { items: before.filter(function (item) { return changed.some(function (c) { return String(c.id) === item.id; }); }) };
        var text = elements(changed.length) + ' ' + done[action][changed.length > 1 ? 1 : 0] + '.';
        if (refused.length) text += ' ' + elements(refused.length) + ' sans changement : ' + refused[0].message;
        say(text, changed.length > 0);
      }
      return reply.body.results;
    }).catch(function () { say('Le bureau ne répond pas : rien n\'a changé. Réessayez.'); return []; });
  }

  // Puts each item of the last action back as it was: its pin, then its state and reason. Says
  // what could not be put back: a row no longer shown, a published item (only a publication
  // publishes), a change another editor made meanwhile.
  function undo() {
    if (!lastAction) { say('Rien à annuler.'); return; }
    var items = lastAction.items;
    lastAction = null;
    var missing = items.filter(function (item) { return !rowOf(item.id); }).length;
    var lost = 0, refused = {}, firstRefusal = '';
    function group(pick) {
      var groups = {};
      items.forEach(function (item) {
        if (refused[item.id]) return;
        var row = rowOf(item.id), action = row && pick(item, row);
        if (action === false) { lost += 1; return; }
        // A rejection goes back with its own reason: one post per action and reason.
        var key = action && (action === 'reject' ? action + '\n' + item.reason : action);
        if (key) (groups[key] = groups[key] || []).push(row);
      });
      return groups;
    }
    function run(groups) {
      return Object.keys(groups).reduce(function (chain, key) {
        return chain.then(function () {
          var parts = key.split('\n');
          return act(parts[0], groups[key], parts[0] === 'reject' ? { reason_other: parts[1] } : {}, true).then(function (results) {
            // No answer at all (the desk did not respond): every item of this post stays as it is.
            if (!results.length) {
              groups[key].forEach(function (row) { refused[row.dataset.id] = true; });
              firstRefusal = firstRefusal || 'le bureau ne répond pas.';
            }
            results.forEach(function (result) {
              if (result.ok) return;
              refused[String(result.id)] = true;
              firstRefusal = firstRefusal || result.message;
            });
          });
        });
      }, Promise.resolve());
    }
    var pins = group(function (item, row) {
      var pinned = row.dataset.pinned === '1';
      return pinned === item.pinned ? null : (item.pinned ? 'pin' : 'unpin');
    });
    run(pins).then(function () {
      var states = group(function (item, row) {
        if (row.dataset.state === item.state) return null;
        return verbs[item.state] || false;
      });
      return run(states);
    }).then(function () {
      var refusals = Object.keys(refused).length;
      var back = Math.max(0, items.length - missing - lost - refusals);
      var text = 'Annulé : ' + elements(back) + ' remis comme avant.';
      if (missing) text += ' ' + elements(missing) + ' hors de cette vue : rien fait.';
      if (lost) text += ' ' + elements(lost) + ' déjà publié' + (lost > 1 ? 's' : '') + ' : seule une publication le remet en ligne.';
      if (refusals) text += ' ' + elements(refusals) + ' sans changement : ' + firstRefusal;
      say(text);
    });
  }

  function decide(action) {
    var list = targets();
    var single = !marked().length;
    act(action, list, action === 'reject' ? reasonFields() : {}).then(function () {
      if (single && (action === 'select' || action === 'reject' || action === 'queue')) show(cursor + 1);
      if (!single) unmarkAll();
    });
  }

  // The reading pane: the item's own page, its article only.
  function openPane(row) {
    var pane = main.querySelector('#pane');
    if (!pane || !row) return;
    fetch('/items/' + row.dataset.id, { credentials: 'same-origin' }).then(function (response) { return response.text(); }).then(function (text) {
      var page = new DOMParser().parseFromString(text, 'text/html');
      var article = page.querySelector('main article');
      if (!article) { say('Impossible d\'ouvrir l\'élément ' + row.dataset.id + '.'); return; }
      pane.textContent = '';
      var close = document.createElement('button');
      close.type = 'button';
      close.className = 'pane-close';
      close.textContent = 'Fermer la lecture';
      close.addEventListener('click', closePane);
      pane.appendChild(close);
      pane.appendChild(document.importNode(article, true));
      pane.dataset.id = row.dataset.id;
      pane.hidden = false;
      main.querySelector('.queue-layout').classList.add('with-pane');
      var heading = pane.querySelector('h1');
      if (heading) { heading.tabIndex = -1; heading.focus(); }
    });
  }
  function closePane() {
    var pane = main.querySelector('#pane');
    if (!pane || pane.hidden) return;
    pane.hidden = true;
    pane.textContent = '';
    main.querySelector('.queue-layout').classList.remove('with-pane');
    show(cursor);
  }

  // A form of the pane (edit, tags, handled, reject with a reason…) posted in place.
  function postPaneForm(form, submitter) {
    var params = new URLSearchParams(new FormData(form));
    if (submitter && submitter.name) params.append(submitter.name, submitter.value);
    var id = form.closest('.desk-item').dataset.id, row = rowOf(id);
    var before = row ? [{ id: id, state: row.dataset.state, pinned: row.dataset.pinned === '1', reason: row.dataset.reason || '' }] : [];
    // Only a decision or a pin can be undone here; a title, a note or tags are changed back by hand.
    var match = /\/(select|reject|queue|pin|unpin)$/.exec(form.getAttribute('action'));
    post(form.getAttribute('action'), params).then(function (reply) {
      apply(reply.body);
      if (reply.body.ok) {
        lastAction = match && before.length ? { items: before } : null;
        say('Élément ' + id + ' : enregistré.', lastAction !== null);
        if (row) openPane(row);
      } else {
        say(reply.body.message || 'Action refusée.');
      }
    }).catch(function () { say('Le bureau ne répond pas : rien n\'a changé. Réessayez.'); });
  }

  // Another view of the queue (filters, state links, back button), without loading a page.
  function load(url, push) {
    fetch(url, { credentials: 'same-origin' }).then(function (response) {
      if (!response.ok || /\/login$/.test(new URL(response.url).pathname)) { window.location.href = url; return null; }
      return response.text();
    }).then(function (text) {
      if (text === null) return;
      var page = new DOMParser().parseFromString(text, 'text/html');
      var fresh = page.getElementById('contenu');
      if (!fresh) { window.location.href = url; return; }
      main.innerHTML = fresh.innerHTML;
      document.title = page.title;
      if (push) window.history.pushState({ desk: true }, '', url);
      cursor = 0;
      lastMarked = null;
      setUp();
      say(main.querySelector('h1') ? main.querySelector('h1').textContent : '');
    });
  }

  function setUp() {
    var markAll = main.querySelector('.mark-all');
    if (markAll) markAll.hidden = false;
    if (rows().length) { countMarked(); show(0); }
  }

  document.addEventListener('submit', function (event) {
    var form = event.target, submitter = event.submitter;
    if (form.matches('form.filters') && form.getAttribute('action') === '/queue') {
      event.preventDefault();
      load('/queue?' + new URLSearchParams(new FormData(form)).toString(), true);
    } else if (form.id === 'bulk') {
      event.preventDefault();
      var action = submitter && submitter.value;
      if (!done[action]) return;
      var shown = main.querySelector('#scope-shown');
      var list = shown && shown.checked ? rows() : marked();
      if (!list.length) { say('Marquez des éléments (x, ou les cases), ou choisissez « tout ce qui est affiché ».'); return; }
      act(action, list, action === 'reject' ? reasonFields() : {}).then(unmarkAll);
    } else if (form.closest('#pane') && /^\/items\/\d+\/[a-z]+$/.test(form.getAttribute('action') || '')) {
      event.preventDefault();
      postPaneForm(form, submitter);
    } else if (form.closest('.queue-item')) {
      var match = /^\/items\/\d+\/([a-z]+)$/.exec(form.getAttribute('action') || '');
      if (!match || !done[match[1]]) return;
      event.preventDefault();
      var row = form.closest('.queue-item');
      show(rows().indexOf(row), false);
      act(match[1], [row], match[1] === 'reject' ? reasonFields() : {});
    }
  });

  document.addEventListener('click', function (event) {
    var target = event.target;
    if (target.matches('.mark')) {
      var list = rows(), row = target.closest('.queue-item');
      if (event.shiftKey && lastMarked && lastMarked !== row) {
        var from = list.indexOf(lastMarked), to = list.indexOf(row);
        list.slice(Math.min(from, to), Math.max(from, to) + 1).forEach(function (each) { each.querySelector('.mark').checked = target.checked; });
      }
      lastMarked = row;
      countMarked();
      return;
    }
    if (target.matches('.mark-all')) {
      var boxes = rows().map(function (each) { return each.querySelector('.mark'); });
      var all = boxes.every(function (box) { return box.checked; });
      boxes.forEach(function (box) { box.checked = !all; });
      target.textContent = all ? 'Tout marquer' : 'Tout démarquer';
      countMarked();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) return;
    var link = target.closest('a');
    if (!link || link.origin !== window.location.origin) return;
    if (link.matches('.queue-title')) {
      event.preventDefault();
      var titled = link.closest('.queue-item');
      show(rows().indexOf(titled), false);
      openPane(titled);
    } else if (link.pathname === '/queue' && main.querySelector('.queue-layout') !== null) {
      event.preventDefault();
      load(link.pathname + link.search, true);
    }
  });

  window.addEventListener('popstate', function () {
    if (window.location.pathname === '/queue') load(window.location.pathname + window.location.search, false);
  });

  document.addEventListener('keydown', function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || !rows().length) return;
    if (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName)
        || (target.tagName === 'INPUT' && target.type !== 'checkbox' && target.type !== 'radio')) return;
    var row = rows()[cursor];
    switch (event.key) {
      case 'j': show(cursor + 1); break;
      case 'k': show(cursor - 1); break;
      case 'o': openPane(row); break;
      case 'Enter': if (target === row) openPane(row); else return; break;
      case 'Escape': closePane(); break;
      case 'x': { var box = row.querySelector('.mark'); box.checked = !box.checked; lastMarked = row; countMarked(); break; }
      case 's': decide('select'); break;
      case 'r': decide('reject'); break;
      case 'q': decide('queue'); break;
      case 'p': decide(row.dataset.pinned === '1' && !marked().length ? 'unpin' : 'pin'); break;
      case 'u': undo(); break;
      default: return;
    }
    event.preventDefault();
  });

  setUp();
})();
