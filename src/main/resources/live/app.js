// The live view: asks /live/data every 2 s and draws the verdict, the stage strip, the charts and the panels.
(function () {
  'use strict';
  var REFRESH_MS = 2000;
  var charts = {};
  var token = null; // made by the runtime at its start; only this page can read it (LIVE_VIEW_CONTROLS=true)

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  function fill(target, nodes) {
    target.replaceChildren.apply(target, nodes);
  }

  function duration(s) {
    var h = Math.floor(s / 3600), m = Math.floor(s % 3600 / 60);
    return (h ? h + ' h ' : '') + m + ' min ' + (s % 60) + ' s';
  }

  function verdict(v) {
    var header = document.getElementById('verdict');
    header.className = 'verdict ' + v.status;
    document.getElementById('verdict-status').textContent = v.status;
    document.getElementById('verdict-mode').textContent = v.mode ? 'mode ' + v.mode : '';
    document.getElementById('verdict-uptime').textContent = 'up ' + duration(v.uptime_s);
    fill(document.getElementById('verdict-reasons'), v.reasons.map(function (r) { return el('li', {}, [r]); }));
  }

  function stage(s) {
    var figures = [];
    if (s.rate !== undefined) {
      figures.push(el('div', { 'class': 'rate', 'data-figure': 'rate' }, [s.rate + ' /s']));
      figures.push(el('div', { 'data-figure': 'total' }, ['total ', String(s.total)]));
    }
    var dl = el('dl');
    Object.keys(s.figures).forEach(function (k) {
      dl.appendChild(el('dt', {}, [k]));
      dl.appendChild(el('dd', { 'data-key': k }, [String(s.figures[k])]));
    });
    var box = el('div', { 'class': 'stage ' + s.state, id: 'stage-' + s.id, 'data-state': s.state }, [
      el('span', { 'class': 'state' }, [s.route_state && s.route_state !== 'Started' ? s.route_state : s.state]),
      el('div', { 'class': 'name' }, [s.name])
    ].concat(figures, [dl]));
    (s.snapshot || []).forEach(function (r) {
      // a snapshot reading the table's existing rows: how far (of the table's row estimate), rate and time left
      var bar = el('progress', { max: '100' });
      if (r.percent >= 0) {
        bar.setAttribute('value', String(r.percent));
      }
      box.appendChild(el('div', { 'class': 'snapshot', 'data-table': r.table, 'data-percent': String(r.percent) }, [
        el('div', {}, ['snapshot of ' + r.table + (r.percent >= 0 ? ': ' + r.percent + ' %' : '')]), bar,
        el('div', { 'class': 'snapshot-text' }, [r.text])]));
    });
    if (s.problems.length) {
      box.appendChild(el('ul', { 'class': 'problems' }, s.problems.map(function (p) { return el('li', {}, [p]); })));
    }
    if (s.controls) {
      var actions = s.route_state === 'Started' ? ['stop', 'suspend'] : s.route_state === 'Suspended' ? ['resume', 'stop']
        : s.route_state === 'Paused' ? ['stop'] : s.route_state === 'Standby' ? [] : ['start'];
      actions.forEach(function (a) {
        var b = el('button', { type: 'button', 'data-action': a, 'data-route': s.route }, [a]);
        b.addEventListener('click', function () { control(s.route, a); });
        box.appendChild(b);
      });
    }
    return box;
  }

  function control(route, action) {
    fetch('/live/control?route=' + encodeURIComponent(route) + '&action=' + encodeURIComponent(action),
      { method: 'POST', headers: { 'X-Live-Token': token || '' } })
      .then(function (r) { return r.text().then(function (t) { if (!r.ok) { throw new Error(t); } }); })
      .catch(function (e) { document.getElementById('control-error').textContent = action + ' ' + route + ': ' + e.message; });
  }

  function table(id, head, rows) {
    var t = document.getElementById(id);
    fill(t, [el('tr', {}, head.map(function (h) { return el('th', {}, [h]); }))].concat(rows.map(function (r) {
      return el('tr', {}, r.map(function (c) {
        return c instanceof Node ? el('td', {}, [c]) : el('td', typeof c === 'number' ? { 'class': 'num' } : {}, [String(c)]);
      }));
    })));
  }

  function clock(ms) {
    return new Date(ms).toISOString().substring(11, 19);
  }

  function chart(id, series, data) {
    var target = document.getElementById(id);
    var width = Math.max(300, target.clientWidth || 500);
    if (!charts[id]) {
      charts[id] = new uPlot({ width: width, height: 180, series: [{}].concat(series), scales: { x: { time: true } },
        axes: [{}, { size: 60 }] }, data, target);
    } else {
      charts[id].setData(data);
    }
  }

  function panels(p) {
    document.getElementById('panels-note').textContent = p.error ? '(' + p.error + ')' : '(ClickHouse, ' + p.took_ms + ' ms)';
    if (p.error) {
      return;
    }
    var m = p.per_minute;
    chart('chart-minutes', [{ label: 'granted', stroke: '#1b7f3b' }, { label: 'denied', stroke: '#b3261e' }],
      [m.map(function (r) { return r[0]; }), m.map(function (r) { return r[1]; }), m.map(function (r) { return r[2]; })]);
    table('connectors', ['connector', 'PACS', 'status', 'latency ms', 'last check', 'events/min'], p.connectors.map(function (r) {
      return [r[1], r[2], el('span', { 'class': 'st-' + r[3] }, [r[3]]), r[4], clock(r[5]), Math.round(r[6] * 10) / 10];
    }));
    table('deny-reasons', ['reason', 'events'], p.deny_reasons);
    table('sites', ['site', 'events', 'suspicious'], p.sites);
    table('suspicious', ['time', 'tenant', 'site', 'door', 'badge', 'reason', 'score'], p.suspicious.map(function (r) {
      return [clock(r[0]), r[1], r[2], r[3], r[4], r[5], Math.round(r[6] * 100) / 100];
    }));
  }

  function render(d) {
    token = d.control_token || null;
    verdict(d.verdict);
    fill(document.getElementById('strip'), d.stages.map(stage));
    var h = d.history;
    chart('chart-rates', [{ label: 'generated', stroke: '#555' }, { label: 'captured', stroke: '#1f5fbf' },
      { label: 'loaded', stroke: '#1b7f3b' }], [h.t, h.generated, h.captured, h.loaded]);
    chart('chart-freshness', [{ label: 'p50', stroke: '#1f5fbf' }, { label: 'p95', stroke: '#b26a00' }], [h.t, h.p50, h.p95]);
    panels(d.panels);
  }

  function refresh() {
    fetch('/live/data', { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(render)
      .catch(function (e) {
        verdict({ status: 'UNREACHABLE', mode: '', uptime_s: 0, reasons: ['the runtime does not answer: ' + e.message] });
      })
      .finally(function () { setTimeout(refresh, REFRESH_MS); });
  }

  refresh();
}());
