/**
 * The little script of the console and the setup portal: copy buttons,
 * confirmation of destructive forms, and the portal's live check (polling
 * its JSON endpoint). Served from our own origin so the Content-Security-
 * Policy can forbid inline script; it builds rows with textContent, never
 * innerHTML, so request data cannot become markup.
 */
export const PAGES_JS = `
'use strict';
document.addEventListener('click', function (event) {
  var button = event.target.closest('[data-copy]');
  if (!button) return;
  var source = document.getElementById(button.getAttribute('data-copy'));
  if (!source || !navigator.clipboard) return;
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    button.textContent = 'Copied';
    setTimeout(function () { button.textContent = 'Copy'; }, 2000);
  }, function () {});
});
document.addEventListener('submit', function (event) {
  var form = event.target;
  var question = form.getAttribute('data-confirm');
  if (question && !window.confirm(question)) event.preventDefault();
});
(function liveCheck() {
  var table = document.getElementById('live-requests');
  if (!table) return;
  var source = table.getAttribute('data-source');
  var body = table.querySelector('tbody');
  var status = document.getElementById('live-status');
  var detailBase = table.getAttribute('data-detail');
  function cell(row, label, text, className) {
    var td = document.createElement('td');
    td.setAttribute('data-label', label);
    if (className) td.className = className;
    if (typeof text === 'string') td.textContent = text; else td.appendChild(text);
    row.appendChild(td);
    return td;
  }
  function render(entries) {
    body.textContent = '';
    if (entries.length === 0) {
      var empty = document.createElement('tr');
      var td = cell(empty, 'Requests', 'No requests yet. Run "Test connection" in your identity provider; requests appear here within seconds.');
      td.colSpan = 4;
      body.appendChild(empty);
      return;
    }
    entries.forEach(function (entry) {
      var row = document.createElement('tr');
      cell(row, 'Time', entry.time.replace('T', ' ').replace(/\\.\\d+Z$|Z$/, ' UTC'));
      var badge = document.createElement('span');
      var failed = entry.outcome === 'failed';
      badge.className = 'badge ' + (!failed ? 'ok' : entry.status < 500 ? 'warn' : 'bad');
      badge.textContent = entry.outcome === 'ok' ? 'OK' : (failed ? 'Failed (' : 'Expected (') + entry.status + ')';
      cell(row, 'Outcome', badge);
      var summary = document.createElement('span');
      summary.textContent = entry.summary;
      var what = cell(row, 'What happened', summary);
      if (entry.explanation) {
        var p = document.createElement('p');
        p.className = 'hint';
        p.textContent = entry.explanation;
        what.appendChild(p);
      }
      var link = document.createElement('a');
      link.href = detailBase + encodeURIComponent(entry.requestId);
      link.textContent = 'Details';
      cell(row, 'Details', link);
      body.appendChild(row);
    });
  }
  function poll() {
    fetch(source, { headers: { accept: 'application/json' }, credentials: 'same-origin' }).then(function (response) {
      if (!response.ok) throw new Error('HTTP ' + response.status);
      return response.json();
    }).then(function (answer) {
      render(answer.entries);
      if (status) status.textContent = 'Checked at ' + new Date().toLocaleTimeString() + '; checking again every 3 seconds.';
    }).catch(function () {
      if (status) status.textContent = 'Could not reach the server; retrying.';
    }).then(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
`;
