// The learning page of `kubelab serve` (no build step, no framework): the course index, and a
// lab's step beside its terminal. The server renders the markdown (sanitized); this file only
// places it, fills the block placeholders and talks to the state API and the terminal socket.
(() => {
  'use strict';
  const data = JSON.parse(document.body.dataset.page || '{}');
  const app = document.getElementById('app');

  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'html') e.innerHTML = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) e.append(c instanceof Node ? c : String(c));
    return e;
  }

  async function api(path, body) {
    const r = await fetch(path, body === undefined ? { credentials: 'same-origin' } : { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const j = await r.json().catch(() => ({ error: r.statusText }));
    if (!r.ok) throw new Error(j.error || `${r.status} ${r.statusText}`);
    return j;
  }

  // ---- the course index -------------------------------------------------------------------

  async function coursePage(note) {
    const c = await api('/api/course');
    document.title = `${c.title} · kubelab`;
    const rows = c.labs.map((l) => {
      const state = l.complete ? 'complete' : l.step === null ? 'not started' : `in progress: step ${l.step + 1} of ${l.total}`;
      return h('li', { class: `lab-card ${l.complete ? 'complete' : ''}` },
        h('a', { href: `/labs/${l.index}` }, h('span', { class: 'lab-number' }, `${l.index + 1}`), h('span', { class: 'lab-title' }, l.title)),
        h('div', { class: 'meter', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': l.total, 'aria-valuenow': l.done, 'aria-label': `${l.title}: ${l.done} of ${l.total} steps done` }, h('div', { style: `width:${(100 * l.done) / l.total}%` })),
        h('p', { class: 'lab-state' }, `${l.done}/${l.total} steps done · ${state}`, l.cleanupPending ? ' · cleanup pending' : ''),
        h('p', { class: 'lab-file' }, l.file));
    });
    // Labs that name the same kind cluster share it: say what becomes of it, and offer to delete it.
    const clusters = (c.clusters || []).map((k) => h('section', { class: 'cluster' },
      h('p', {}, h('strong', {}, `kind cluster ${k.name}`), ` · ${k.running ? 'running' : 'not running'} · shared by ${k.labs.length} labs`),
      h('p', { class: 'muted cluster-fate' }, k.ownedByCourse
        ? (k.keep ? 'This course created it, and keeps it (--keep).' : 'This course created it; it is deleted when you have finished every lab on it (all steps, and cleaned up).')
        : (k.running ? 'It was there before the course: kubelab leaves it alone.' : 'The first of these labs creates it; the others reuse it.')),
      k.ownedByCourse ? h('button', { class: 'delete-cluster', onclick: () => deleteCluster(k.name) }, 'Delete the cluster now') : null));
    app.replaceChildren(
      h('header', { class: 'top' }, h('h1', {}, c.title), h('p', {}, `${c.labs.length} labs, in order. Your progress is saved on this machine.`)),
      h('ol', { class: 'course' }, rows),
      ...clusters,
      ...(note ? [h('p', { class: `message ${note.ok ? 'ok' : 'bad'}`, role: 'status' }, note.text)] : []));
  }

  async function deleteCluster(name) {
    for (const b of document.querySelectorAll('button.delete-cluster')) {
      b.disabled = true;
      b.textContent = 'Deleting…';
    }
    let note;
    try {
      const j = await api('/api/course/delete-cluster', { name });
      note = { ok: j.ok, text: j.lines.join('\n') };
    } catch (e) {
      note = { ok: false, text: e.message };
    }
    await coursePage(note);
  }

  // ---- a lab --------------------------------------------------------------------------------

  let state;
  let showComplete = false;
  let openPanel = null; // 'hint' | 'solution'
  let message = null; // { ok, text }
  let pending = null; // what the page waits for, e.g. 'run:0'
  let started = 0;
  let ticker;
  const checkResult = () => state.step.check;

  function progressStrip() {
    return h('nav', { class: 'strip', 'aria-label': 'Steps' },
      state.steps.map((s, i) => h('button', {
        class: `pill ${s.done ? 'done' : ''} ${i === state.current && !showComplete ? 'current' : ''}`,
        title: s.title,
        'aria-current': i === state.current && !showComplete ? 'step' : false,
        onclick: () => goTo(i),
      }, s.done ? '✓ ' : '', `${i + 1}`)));
  }

  function blockCard(b) {
    const running = pending === `run:${b.index}`;
    const r = b.ran;
    const result = r && !running
      ? h('div', { class: `result ${r.status}` },
          h('p', {}, r.status === 'passed' ? '✓ ran' : `✗ ${r.status}`, r.exitCode !== undefined && r.exitCode !== null ? ` (exit ${r.exitCode})` : '', ` in ${r.durationMs < 1000 ? `${r.durationMs} ms` : `${(r.durationMs / 1000).toFixed(1)} s`}`),
          r.explanation.length ? h('ul', {}, r.explanation.map((l) => h('li', {}, l))) : null,
          // Typed blocks act through the API, not the terminal: show what they did here.
          b.kind !== 'sh' && r.output ? h('pre', { class: 'typed-output' }, r.output) : null)
      : null;
    return h('div', { class: `block-card kind-${b.kind}` },
      h('div', { class: 'block-head' },
        h('span', { class: 'block-label' }, b.label),
        h('button', { class: 'run', disabled: !!pending, onclick: () => runBlock(b.index), 'aria-label': `Run block ${b.index + 1}` }, running ? h('span', { class: 'elapsed' }, 'Running…') : '▶ Run')),
      h('pre', { class: `code lang-${b.language}` }, h('code', {}, b.text)),
      result);
  }

  function checkPanel() {
    const c = checkResult();
    if (!c) return null;
    return h('section', { class: `check ${c.ok ? 'passed' : 'failed'}`, 'aria-live': 'polite' },
      h('h3', {}, c.ok ? '✓ Check passed' : c.checks.length ? '✗ Not yet' : 'Check'),
      c.message ? h('p', {}, c.message) : null,
      c.checks.map((k) => h('div', { class: `check-item ${k.ok ? 'passed' : 'failed'}` },
        h('p', {}, k.ok ? '✓ ' : '✗ ', h('strong', {}, k.title)),
        h('pre', { class: 'code' }, h('code', {}, k.command)),
        k.output ? h('pre', { class: 'check-output' }, k.output) : h('p', { class: 'muted' }, '(no output)'),
        k.explanation.length ? h('ul', {}, k.explanation.map((l) => h('li', {}, l))) : null)));
  }

  function revealPanel() {
    if (!openPanel) return null;
    const blocks = state.step[openPanel];
    return h('section', { class: `reveal ${openPanel}` }, h('h3', {}, openPanel === 'hint' ? 'Hint' : 'Solution'),
      blocks.map((b) => h('pre', { class: 'code' }, h('code', {}, b.text))),
      openPanel === 'solution' ? h('p', { class: 'muted' }, 'Type it in the terminal (or copy it), then Check.') : null);
  }

  function stepView() {
    const s = state.step;
    const last = state.current === state.steps.length - 1;
    const body = h('div', { class: 'prose', html: s.html });
    for (const ph of body.querySelectorAll('.block[data-block]')) {
      const b = s.blocks[Number(ph.dataset.block)];
      if (b) ph.replaceWith(blockCard(b));
    }
    return h('article', { class: 'step' },
      state.notice ? h('p', { class: 'notice', role: 'status' }, state.notice) : null,
      state.current === 0 && state.lab.intro ? h('div', { class: 'prose intro', html: state.lab.intro }) : null,
      h('h2', {}, h('span', { class: 'muted' }, `Step ${state.current + 1} of ${state.steps.length} · `), s.title, state.steps[state.current].done ? h('span', { class: 'done-badge' }, ' ✓ done') : null),
      body,
      h('div', { class: 'actions' },
        h('button', { onclick: () => goTo(state.current - 1), disabled: state.current === 0 || !!pending }, '← Back'),
        s.checkable ? h('button', { class: 'primary', onclick: check, disabled: !!pending }, pending === 'check' ? 'Checking…' : 'Check') : null,
        s.hint.length ? h('button', { onclick: () => toggle('hint'), 'aria-expanded': openPanel === 'hint' }, 'Hint') : null,
        s.solution.length ? h('button', { onclick: () => toggle('solution'), 'aria-expanded': openPanel === 'solution' }, 'Solution') : null,
        last ? h('button', { onclick: finish, disabled: !!pending }, 'Finish') : h('button', { onclick: () => goTo(state.current + 1), disabled: !!pending }, 'Next →')),
      revealPanel(),
      checkPanel(),
      message ? h('p', { class: `message ${message.ok ? 'ok' : 'bad'}`, role: 'status' }, message.text) : null);
  }

  function completeView() {
    const done = state.steps.filter((s) => s.done).length;
    const all = done === state.steps.length;
    return h('article', { class: 'complete' },
      h('h2', {}, all ? `✓ Lab complete: ${done}/${state.steps.length} steps` : `Lab finished: ${done}/${state.steps.length} steps done`),
      all ? h('p', {}, 'Every step\'s check passed. What the lab changed is still in place: clean up when you are done looking around.') : h('p', {}, 'Steps not done yet: ', state.steps.map((s, i) => (s.done ? null : h('button', { class: 'link', onclick: () => goTo(i) }, `${i + 1}. ${s.title}`)))),
      h('div', { class: 'actions' },
        h('button', { class: 'primary', onclick: cleanup, disabled: !!pending }, pending === 'cleanup' ? 'Cleaning up…' : 'Clean up'),
        data.courseSize > 1 && data.lab + 1 < data.courseSize ? h('a', { class: 'button', href: `/labs/${data.lab + 1}` }, 'Next lab →') : null,
        data.courseSize > 1 ? h('a', { class: 'button', href: '/' }, 'Course index') : null,
        h('button', { onclick: () => ((showComplete = false), render()) }, 'Review the steps')),
      message ? h('p', { class: `message ${message.ok ? 'ok' : 'bad'}`, role: 'status' }, message.text) : null);
  }

  function render() {
    document.title = `${state.lab.title} · kubelab`;
    const header = h('header', { class: 'top' },
      h('div', { class: 'titles' }, data.courseSize > 1 ? h('a', { href: '/', class: 'course-link' }, `${data.course} ›`) : null, h('h1', {}, state.lab.title)),
      progressStrip(),
      h('button', { class: 'cleanup', onclick: cleanup, disabled: !!pending, title: 'Undo what this lab changed (its cleanup)' }, 'Cleanup'));
    const left = document.getElementById('left');
    left.replaceChildren(showComplete ? completeView() : stepView());
    document.getElementById('header').replaceChildren(header);
  }

  async function act(what, f) {
    if (pending) return;
    pending = what;
    message = null;
    started = Date.now();
    render();
    ticker = setInterval(() => {
      const e = document.querySelector('.elapsed');
      if (e) e.textContent = `Running… ${Math.floor((Date.now() - started) / 1000)} s`;
    }, 1000);
    try {
      await f();
    } catch (e) {
      message = { ok: false, text: e.message };
    } finally {
      clearInterval(ticker);
      pending = null;
      render();
    }
  }

  const runBlock = (i) => act(`run:${i}`, async () => {
    const j = await api(`/api/labs/${data.lab}/run`, { step: state.current, block: i });
    state = j.state;
  });
  const check = () => act('check', async () => {
    const j = await api(`/api/labs/${data.lab}/check`, {});
    state = j.state;
  });
  const goTo = (i) => act('goto', async () => {
    if (i < 0 || i >= state.steps.length) return;
    const j = await api(`/api/labs/${data.lab}/goto`, { step: i });
    state = j.state;
    showComplete = false;
    openPanel = null;
    document.getElementById('left').scrollTop = 0;
  });
  const finish = () => {
    showComplete = true;
    render();
  };
  const cleanup = () => act('cleanup', async () => {
    const j = await api(`/api/labs/${data.lab}/cleanup`, {});
    state = j.state;
    message = { ok: j.cleanup.ok, text: j.cleanup.lines.join('\n') };
  });
  function toggle(what) {
    openPanel = openPanel === what ? null : what;
    render();
  }

  function terminal() {
    const holder = document.getElementById('terminal');
    const status = document.getElementById('term-status');
    const term = new window.Terminal({ screenReaderMode: true, cursorBlink: true, fontSize: 14, scrollback: 5000, theme: { background: '#101418' } });
    const fit = new window.FitAddon.FitAddon();
    term.loadAddon(fit);
    term.open(holder);
    fit.fit();
    let ws;
    const send = (m) => ws && ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m));
    // A shell that ended (a block's `exit`) is replaced by the server on the next attach: reattach.
    const connect = () => {
      let ended = false;
      ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/labs/${data.lab}`);
      ws.onopen = () => send({ t: 'resize', cols: term.cols, rows: term.rows });
      ws.onmessage = (ev) => {
        const m = JSON.parse(ev.data);
        if (m.t === 'out') term.write(m.d);
        else if (m.t === 'busy') {
          status.textContent = m.running ? 'A block is running: what you type is held and sent when it ends (Ctrl-C stops the block).' : 'The lab\'s shell: the blocks run here, and what you type runs in the same shell.';
          status.classList.toggle('busy', m.running);
        } else if (m.t === 'exit') {
          ended = true;
          status.textContent = 'The shell ended: starting a new one (the variables earlier blocks set are gone).';
          ws.close();
          setTimeout(connect, 500);
        }
      };
      ws.onclose = () => {
        if (ended) return;
        status.textContent = 'Disconnected from kubelab serve. Reload the page to reconnect.';
        status.classList.add('busy');
      };
    };
    connect();
    term.onData((d) => send({ t: 'in', d }));
    term.onResize(({ cols, rows }) => send({ t: 'resize', cols, rows }));
    new ResizeObserver(() => fit.fit()).observe(holder);
    window.kubelabTerminal = term;
  }

  async function labPage() {
    app.replaceChildren(
      h('div', { id: 'header' }),
      h('main', { class: 'split' },
        h('section', { id: 'left', class: 'left' }),
        h('section', { class: 'right', 'aria-label': 'Terminal' },
          h('p', { id: 'term-status', class: 'term-status', role: 'status' }, 'Connecting to the lab\'s shell…'),
          h('div', { id: 'terminal', class: 'terminal' }))));
    state = await api(`/api/labs/${data.lab}`);
    render();
    terminal();
  }

  (data.kind === 'course' ? coursePage() : labPage()).catch((e) => app.replaceChildren(h('p', { class: 'message bad' }, `kubelab: ${e.message}`)));
})();
