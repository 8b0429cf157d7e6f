// Staff page, residents: the list, and one resident's view (get-up alert, the last 14 days of mobility with a
// plain-words flag, the falls log and its CSV). Uses $, post and fetchCsrf from app.js. Text only, never HTML.
'use strict';

let residentId = null;

const postureWords = { unknown: 'not known yet', upright: 'upright', sitting: 'sitting', standing: 'standing', walking: 'walking', lying: 'lying' };
const typeWords = { fall: 'Fall', getting_up: 'Getting up' };
const outcomeWords = { fall_confirmed: 'fall confirmed', no_fall: 'no fall', test: 'test', other: 'other', cleared: 'cleared (lay down again)' };

async function loadResidents() {
  const r = await fetch('/api/residents', { credentials: 'same-origin', cache: 'no-store' }).catch(() => null);
  if (!r || !r.ok) return;
  const list = await r.json();
  const body = $('#residents tbody');
  body.replaceChildren(...list.map(res => {
    const tr = document.createElement('tr');
    tr.tabIndex = 0;
    tr.dataset.id = res.id;
    const cells = [
      res.name,
      res.room || '',
      postureWords[res.posture] || res.posture,
      res.getUp.enabled ? `on ${res.getUp.from}–${res.getUp.to}` : 'off',
      res.flags.length ? `review: ${res.flags.join(', ')} down` : '',
    ];
    cells.forEach((text, n) => {
      const td = document.createElement('td');
      td.textContent = text;
      if (n === 4 && res.flags.length) td.className = 'bad';
      tr.appendChild(td);
    });
    tr.addEventListener('click', () => openResident(res.id));
    tr.addEventListener('keydown', e => { if (e.key === 'Enter') openResident(res.id); });
    return tr;
  }));
}

async function openResident(id) {
  residentId = id;
  $('#overview').hidden = true;
  $('#resident').hidden = false;
  $('#resident-error').textContent = '';
  $('#getup-state').textContent = '';
  await refreshResident();
}

function closeResident() {
  residentId = null;
  $('#resident').hidden = true;
  $('#overview').hidden = false;
  loadResidents();
}

async function refreshResident() {
  if (!residentId) return;
  const r = await fetch(`/api/residents/${encodeURIComponent(residentId)}`, { credentials: 'same-origin', cache: 'no-store' });
  if (r.status === 401) { showSignIn(); return; }
  if (!r.ok) {
    $('#resident-error').textContent = ((await r.json().catch(() => null)) || {}).error || `Could not load the resident (${r.status})`;
    return;
  }

  const v = await r.json();
  $('#resident-title').textContent = `${v.name}${v.room ? ' – ' + v.room : ''}`;
  $('#resident-posture').textContent = `Now: ${postureWords[v.posture] || v.posture}`;
  showGetUp(v.getUp);
  $('#falls-csv').href = `/api/residents/${encodeURIComponent(v.id)}/falls.csv`;

  const flags = $('#mobility-flags');
  flags.replaceChildren(...v.flags.map(f => {
    const p = document.createElement('p');
    p.className = 'flag';
    p.textContent = f.text;
    return p;
  }));
  $('#mobility-none').hidden = v.days.some(d => d.wornHours != null);
  drawBars($('#chart-walking'), v.days, d => d.walkingMinutes);
  drawBars($('#chart-sts'), v.days, d => d.sitToStands);

  const num = (x, digits = 0) => x == null ? '–' : Number(x).toFixed(digits);
  $('#mobility tbody').replaceChildren(...v.days.slice().reverse().map(d => row([
    d.day, num(d.wornHours, 1), num(d.walkingMinutes), num(d.steps), num(d.cadence), num(d.sitToStands), num(d.lyingHours, 1), num(d.nightTransitions),
  ])));

  $('#falls-none').hidden = v.log.length > 0;
  const after = s => s == null ? '–' : (s < 60 ? `${Math.round(s)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`);
  $('#falls tbody').replaceChildren(...v.log.map(e => row([
    `#${e.id}`, typeWords[e.type] || e.type, new Date(e.eventAt).toLocaleString(), after(e.secondsToAccept), e.acceptedBy || '', after(e.secondsToResolve),
    e.outcome ? (outcomeWords[e.outcome] || e.outcome) : 'open', e.note || '',
  ])));
}

function showGetUp(g) {
  $('#getup-enabled').checked = g.enabled;
  $('#getup-from').value = g.from;
  $('#getup-to').value = g.to;
  $('#getup-state').textContent = g.changedBy
    ? `${g.enabled ? 'On' : 'Off'} since ${new Date(g.changedAt).toLocaleString()}, set by ${g.changedBy}.`
    : 'Never set: off.';
}

function row(cells) {
  const tr = document.createElement('tr');
  cells.forEach(text => {
    const td = document.createElement('td');
    td.textContent = String(text);
    tr.appendChild(td);
  });
  return tr;
}

// A bar per day (today lighter: it is not over), the average of the days before the last three as a dashed line.
function drawBars(svg, days, value) {
  const ns = 'http://www.w3.org/2000/svg';
  const el = (name, attrs, text) => {
    const e = document.createElementNS(ns, name);
    Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, String(v)));
    if (text != null) e.textContent = text;
    return e;
  };
  const W = 420, H = 130, left = 28, bottom = 18, top = 8;
  const values = days.map(d => value(d));
  const max = Math.max(1, ...values.filter(x => x != null));
  const step = (W - left) / days.length;
  const y = v => H - bottom - (v / max) * (H - bottom - top);
  const parts = [
    el('line', { class: 'axis', x1: left, y1: H - bottom, x2: W, y2: H - bottom }),
    el('text', { x: 2, y: top + 8 }, String(Math.round(max))),
    el('text', { x: 2, y: H - bottom }, '0'),
  ];
  days.forEach((d, i) => {
    const x = left + i * step;
    const v = values[i];
    if (v != null) {
      parts.push(el('rect', { class: i === days.length - 1 ? 'bar today' : 'bar', x: x + 2, y: y(v), width: Math.max(1, step - 4), height: Math.max(0, H - bottom - y(v)), 'data-day': d.day, 'data-value': v }));
    }
    parts.push(el('text', { x: x + 2, y: H - 4 }, d.day.slice(8)));
  });
  const earlier = values.slice(0, Math.max(0, days.length - 4)).filter(x => x != null);
  if (earlier.length) {
    const avg = earlier.reduce((a, b) => a + b, 0) / earlier.length;
    parts.push(el('line', { class: 'baseline', x1: left, y1: y(avg), x2: W, y2: y(avg) }));
  }
  svg.replaceChildren(...parts);
}

document.addEventListener('DOMContentLoaded', () => {
  $('#resident-back').addEventListener('click', closeResident);
  $('#getup-form').addEventListener('submit', async e => {
    e.preventDefault();
    $('#resident-error').textContent = '';
    $('#getup-save').disabled = true;
    const r = await post(`/api/residents/${encodeURIComponent(residentId)}/getup`, {
      enabled: $('#getup-enabled').checked, from: $('#getup-from').value, to: $('#getup-to').value,
    });
    $('#getup-save').disabled = false;
    if (r.status === 401) { showSignIn(); return; }
    if (!r.ok) {
      $('#resident-error').textContent = (r.data && r.data.error) || `Not saved (${r.status})`;
      if (r.status === 400) await fetchCsrf();
      return;
    }
    showGetUp(r.data);
    $('#getup-state').textContent = 'Saved. ' + $('#getup-state').textContent;
  });
  setInterval(() => {
    if ($('#app').hidden) return;
    if (residentId) refreshResident(); else loadResidents();
  }, 30000);
});
