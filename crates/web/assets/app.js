// The page of `hexaboard serve`: a card per board, live over server-sent events, two charts of
// the selected board, LED control. It uses only the API of docs/web.md.
//
// It keeps to a strict Content-Security-Policy: no inline script or style, no eval, and text
// from the network only ever goes into the page through `textContent` or an attribute.
'use strict';

(() => {
  const RANGES = { '1h': 3600, '24h': 86400, '7d': 7 * 86400, '30d': 30 * 86400 };
  const MAX_POINTS = 2000;
  const LANG_KEY = 'hexaboard.lang';
  const SERIES = ['temperature', 'humidity'];

  const $ = (selector, root = document) => root.querySelector(selector);

  const app = {
    words: null,
    lang: 'ko',
    status: null,
    boards: new Map(), // board id -> the board as the API sends it
    cards: new Map(), // board id -> its <article>
    clockOffset: 0, // the server's clock minus ours, in seconds
    streamLost: false,
    selected: null,
    range: '24h',
    charts: {}, // series name -> { plot, box, data: [t[], v[]], started }
    load: 0, // which chart load is the latest
    shown: 0, // which chart load the charts show
    ready: false, // the first boards are shown
    answers: new Map(), // board id -> the answer to its last LED command: { result, key, values }
    chartReadings: null, // the raw readings in the charts' range, as the server counted them
    loadedWidth: null, // the charts' width in pixels when their points were asked for
  };

  // ---- words ----

  /** The word `key` in the page's language, its `{placeholders}` filled from `values`. */
  function t(key, values) {
    if (!app.words) return ''; // not loaded yet
    const words = app.words[app.lang] || app.words.ko;
    let word = typeof words[key] === 'string' ? words[key] : key;
    if (values) {
      for (const [name, value] of Object.entries(values)) {
        word = word.split('{' + name + '}').join(String(value));
      }
    }
    return word;
  }

  /** An LED colour in words where the console has a name for it (`blue`), else its values. */
  function colourName(rgb) {
    if (!Array.isArray(rgb)) return '—';
    const key = 'colour_' + rgb.join('_');
    const words = app.words && (app.words[app.lang] || app.words.ko);
    return words && typeof words[key] === 'string' ? words[key] : '(' + rgb.join(',') + ')';
  }

  /** Fills every `data-word` element under `root` with its word. */
  function applyWords(root) {
    for (const el of root.querySelectorAll('[data-word]')) {
      el.textContent = t(el.dataset.word);
    }
  }

  function chooseLang() {
    let stored = null;
    try {
      stored = localStorage.getItem(LANG_KEY);
    } catch (_) {
      // Storage may be refused; the server's language is used then.
    }
    const lang = stored || document.documentElement.lang;
    return lang === 'en' ? 'en' : 'ko';
  }

  function setLang(lang) {
    app.lang = lang === 'en' ? 'en' : 'ko';
    document.documentElement.lang = app.lang;
    $('#lang').value = app.lang;
    document.title = t('title');
    applyWords(document);
    renderStatus();
    for (const id of app.cards.keys()) renderCard(id);
    renderChartInfo();
    for (const chart of Object.values(app.charts)) chart.plot.redraw(false, true);
  }

  // ---- time ----

  const serverNow = () => Date.now() / 1000 + app.clockOffset;

  /** `N초 전`, in minutes, hours or days once seconds grow long. */
  function ago(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    if (s < 120) return t('seconds_ago', { seconds: s });
    if (s < 2 * 3600) return t('minutes_ago', { minutes: Math.floor(s / 60) });
    if (s < 2 * 86400) return t('hours_ago', { hours: Math.floor(s / 3600) });
    return t('days_ago', { days: Math.floor(s / 86400) });
  }

  /** The board's state now: `online` turns `stale` once silent longer than `stale_after`. */
  function stateOf(board) {
    if ((board.state === 'online' || board.state === 'stale') && board.last_reading_at != null) {
      return serverNow() - board.last_reading_at > board.stale_after ? 'stale' : 'online';
    }
    return board.state || 'unknown';
  }

  // ---- API ----

  async function getJson(path) {
    const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      throw new Error((body && body.error) || response.status + ' ' + response.statusText);
    }
    return body;
  }

  function showMessage(text) {
    const message = $('#message');
    message.textContent = text || '';
    message.hidden = !text;
  }

  // ---- header ----

  function applyStatus(status) {
    app.status = status;
    renderStatus();
    const readOnly = Boolean(status && status.read_only);
    for (const [id, card] of app.cards) {
      $('.led-controls', card).hidden = readOnly;
      renderRule(id);
    }
  }

  /** The `react` rule driving this board's LED, if one runs: what it judged and sent. */
  function renderRule(id) {
    const card = app.cards.get(id);
    if (!card) return;
    const rules = (app.status && app.status.rules) || [];
    const rule = rules.find((r) => r.to === id);
    const line = setField(card, 'rule', '');
    line.hidden = !rule;
    if (!rule) return;
    let text = t('rule', {
      from: rule.from,
      judged: rule.judged ? t(rule.judged) : '—',
      sent: colourName(rule.sent),
    });
    if (rule.pending) text += ' ' + t('rule_waiting', { pending: colourName(rule.pending) });
    line.textContent = text;
  }

  function renderStatus() {
    const connection = $('#connection');
    const status = app.status;
    let state;
    let text;
    if (app.streamLost) {
      state = 'reconnecting';
      text = t('reconnecting');
    } else if (!status) {
      state = 'loading';
      text = t('loading');
    } else if (status.broker && status.broker.connected) {
      state = 'connected';
      text = t('broker') + ' ' + t('broker_connected');
    } else {
      state = 'disconnected';
      text = t('broker') + ' ' + t('broker_disconnected');
    }
    connection.dataset.state = state;
    connection.textContent = text;
    if (status && status.broker) connection.title = status.broker.address;
    const recording = $('#recording');
    recording.hidden = !status;
    if (status) {
      recording.textContent = status.recording
        ? t('recording', { store: status.recording.store })
        : t('not_recording');
    }
    $('#read-only').hidden = !(status && status.read_only);
  }

  function tick() {
    const clock = $('#clock');
    const now = new Date();
    clock.dateTime = now.toISOString();
    clock.textContent = now.toLocaleTimeString(app.lang === 'ko' ? 'ko-KR' : 'en-GB');
    for (const id of app.cards.keys()) renderLiveness(id);
  }

  // ---- cards ----

  function upsertBoard(board) {
    const known = app.boards.has(board.board);
    app.boards.set(board.board, board);
    if (!known) {
      addCard(board.board);
      renderBoardChoice();
      if (app.ready && app.selected === null) select(board.board);
    }
    renderCard(board.board);
    $('#no-boards').hidden = app.boards.size > 0;
  }

  function addCard(id) {
    const card = $('#card-template').content.firstElementChild.cloneNode(true);
    card.dataset.board = id;
    $('.board-id', card).textContent = id;
    applyWords(card);
    card.addEventListener('click', (event) => {
      if (!event.target.closest('.led-controls')) select(id);
    });
    card.addEventListener('keydown', (event) => {
      if ((event.key === 'Enter' || event.key === ' ') && event.target === card) {
        event.preventDefault();
        select(id);
      }
    });
    const brightness = $('input[type=range]', card);
    brightness.addEventListener('input', () => {
      $('.brightness-value', card).textContent = brightness.value;
    });
    for (const button of card.querySelectorAll('[data-action]')) {
      button.addEventListener('click', () => sendLed(id, card, button.dataset.action));
    }
    const board = app.boards.get(id);
    if (board && board.led && board.led.color) {
      $('input[type=color]', card).value = toHex(board.led.color);
      brightness.value = board.led.brightness;
      $('.brightness-value', card).textContent = String(board.led.brightness);
    }
    $('.led-controls', card).hidden = Boolean(app.status && app.status.read_only);
    card.classList.toggle('selected', id === app.selected);

    // Keep the cards in board id order.
    const container = $('#boards');
    const after = [...app.cards.keys()].filter((other) => other > id).sort()[0];
    container.insertBefore(card, after === undefined ? null : app.cards.get(after));
    app.cards.set(id, card);
  }

  function setField(card, field, text) {
    const el = $('[data-field="' + field + '"]', card);
    el.textContent = text;
    return el;
  }

  function renderCard(id) {
    const board = app.boards.get(id);
    const card = app.cards.get(id);
    if (!board || !card) return;
    setField(card, 'temperature', board.temperature_text != null ? board.temperature_text + '°C' : '—');
    setField(card, 'humidity', board.humidity_text != null ? board.humidity_text + '%' : '—');

    const light = $('[data-field="light"]', card);
    light.hidden = board.light == null;
    $('.light-value', light).textContent = board.light == null ? '' : String(board.light);

    const comfort = $('[data-field="comfort"]', card);
    comfort.replaceChildren();
    if (board.comfort) {
      for (const [series, icon] of [['temperature', '🌡️'], ['humidity', '💧']]) {
        const value = board.comfort[series];
        if (value == null) continue;
        const chip = document.createElement('span');
        chip.className = 'chip comfort-' + value;
        chip.dataset.comfort = value;
        chip.textContent = icon + ' ' + t(value);
        comfort.append(chip);
      }
    }

    const alert = setField(card, 'alert', '🔥 ' + t('high_temperature'));
    alert.hidden = !board.alert;

    const trend = setField(card, 'trend', trendArrow(board.trend) + ' ' + t(board.trend || 'not_enough_data'));
    trend.dataset.trend = board.trend || 'not_enough_data';
    trend.title = t('label_trend');

    const led = $('[data-field="led"]', card);
    led.hidden = !board.led;
    if (board.led) {
      const swatch = $('.swatch', led);
      const on = board.led.action === 'led_on' && Array.isArray(board.led.color);
      swatch.classList.toggle('is-off', !on);
      swatch.style.backgroundColor = on ? 'rgb(' + board.led.color.join(',') + ')' : '';
      swatch.style.opacity = on ? String(0.35 + 0.65 * (board.led.brightness / 100)) : '';
      $('.led-text', led).textContent = on
        ? colourName(board.led.color) + ' ' + board.led.brightness + '%'
        : t('led_is_off');
    }
    renderAnswer(id);
    renderRule(id);
    renderLiveness(id);
  }

  function trendArrow(trend) {
    return { rising: '↗', falling: '↘', stable: '→' }[trend] || '·';
  }

  /** The parts of a card that change with time alone: its state and "N s ago". */
  function renderLiveness(id) {
    const board = app.boards.get(id);
    const card = app.cards.get(id);
    if (!board || !card) return;
    const state = stateOf(board);
    card.dataset.state = state;
    const badge = setField(card, 'state', t(state));
    badge.dataset.state = state;
    setField(
      card,
      'ago',
      board.last_reading_at == null ? t('no_readings') : ago(serverNow() - board.last_reading_at),
    );
  }

  function toHex(rgb) {
    return '#' + rgb.map((c) => Math.max(0, Math.min(255, c | 0)).toString(16).padStart(2, '0')).join('');
  }

  function fromHex(hex) {
    return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  }

  /** Shows the answer to the board's last LED command beside its buttons. */
  function answer(id, result, key, values) {
    app.answers.set(id, { result, key, values });
    renderAnswer(id);
  }

  function renderAnswer(id) {
    const card = app.cards.get(id);
    const last = app.answers.get(id);
    if (!card || !last) return;
    const output = $('.led-answer', card);
    output.dataset.result = last.result;
    output.textContent = t(last.key, last.values);
  }

  async function sendLed(id, card, action) {
    const command = action === 'led_on'
      ? { action, color: fromHex($('input[type=color]', card).value), brightness: Number($('input[type=range]', card).value) }
      : { action };
    answer(id, 'sending', 'led_sending');
    for (const button of card.querySelectorAll('[data-action]')) button.disabled = true;
    try {
      const response = await fetch('/api/boards/' + encodeURIComponent(id) + '/led', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(command),
      });
      const body = await response.json().catch(() => null);
      if (response.ok && body) {
        answer(id, 'sent', 'led_sent', { topic: body.topic });
      } else {
        const error = (body && body.error) || response.status + ' ' + response.statusText;
        answer(id, 'error', 'led_failed', { error });
      }
    } catch (error) {
      answer(id, 'error', 'led_failed', { error: error.message });
    } finally {
      for (const button of card.querySelectorAll('[data-action]')) button.disabled = false;
    }
  }

  // ---- charts ----

  function renderBoardChoice() {
    const choice = $('#board-select');
    const ids = [...app.boards.keys()].sort();
    choice.replaceChildren(
      ...ids.map((id) => {
        const option = document.createElement('option');
        option.value = id;
        option.textContent = id;
        return option;
      }),
    );
    if (app.selected !== null) choice.value = app.selected;
  }

  function select(id) {
    if (app.selected === id) return;
    app.selected = id;
    for (const [other, card] of app.cards) {
      card.classList.toggle('selected', other === id);
      card.setAttribute('aria-current', other === id ? 'true' : 'false');
    }
    $('#board-select').value = id;
    $('#chart-board').textContent = id;
    $('#choose-board').hidden = true;
    loadCharts();
  }

  function setRange(range) {
    app.range = range;
    for (const button of document.querySelectorAll('[data-range]')) {
      button.setAttribute('aria-pressed', button.dataset.range === range ? 'true' : 'false');
    }
    if (app.selected !== null) loadCharts();
  }

  function chartWidth(box) {
    return Math.max(240, Math.floor(box.clientWidth));
  }

  function chartHeight() {
    return window.innerWidth < 600 ? 200 : 260;
  }

  /** The time axis' labels in the page's language: seconds too below ten minutes, hours and
   * minutes up to two days, days past that. */
  function timeTicks(plot, splits) {
    const span = plot.scales.x.max - plot.scales.x.min;
    const clock = { hour: '2-digit', minute: '2-digit', hour12: false };
    const format = new Intl.DateTimeFormat(
      app.lang === 'ko' ? 'ko-KR' : 'en-GB',
      span < 600 ? { ...clock, second: '2-digit' } : span <= 2 * 86400 ? clock : { month: 'short', day: 'numeric' },
    );
    return splits.map((split) => format.format(new Date(split * 1000)));
  }

  /** A point's time under the cursor, in the page's language. */
  function pointTime(seconds) {
    return new Date(seconds * 1000).toLocaleString(app.lang === 'ko' ? 'ko-KR' : 'en-GB', {
      month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
    });
  }

  function makeChart(series) {
    const box = $('#chart-' + series);
    const chart = { box, data: [[], []], started: null, plot: null };
    const stroke = series === 'temperature' ? '#e8590c' : '#1c7ed6';
    const fill = series === 'temperature' ? 'rgba(232, 89, 12, 0.08)' : 'rgba(28, 126, 214, 0.08)';
    const unit = series === 'temperature' ? '°C' : '%';
    const options = {
      width: chartWidth(box),
      height: chartHeight(),
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        // A steady room stays mid-chart rather than on a 0-based axis.
        y: {
          range: (_, min, max) => {
            if (min == null || max == null) return [0, 1];
            const pad = Math.max((max - min) * 0.1, 1);
            return [Math.floor(min - pad), Math.ceil(max + pad)];
          },
        },
      },
      series: [
        { value: (_, v) => (v == null ? '—' : pointTime(v)) },
        { label: '', stroke, fill, width: 2, points: { show: false }, value: (_, v) => (v == null ? '—' : v + unit) },
      ],
      axes: [
        { stroke: '#495057', grid: { stroke: '#e9ecef' }, ticks: { stroke: '#dee2e6' }, values: timeTicks },
        { stroke: '#495057', grid: { stroke: '#e9ecef' }, ticks: { stroke: '#dee2e6' }, values: (_, ticks) => ticks.map((v) => v + unit), size: 60 },
      ],
      hooks: {
        draw: [
          () => {
            box.dataset.points = String(chart.data[0].length);
            if (chart.started !== null) {
              box.dataset.drawnMs = String(Math.round(performance.now() - chart.started));
              chart.started = null;
            }
          },
        ],
      },
    };
    chart.plot = new uPlot(options, chart.data, box);
    return chart;
  }

  function setChartData(series, data) {
    const chart = app.charts[series];
    chart.data = data;
    chart.plot.setData(data);
    const empty = chart.box.parentElement.querySelector('.chart-empty');
    empty.hidden = data[0].length > 0;
  }

  async function loadCharts() {
    const id = app.selected;
    const range = app.range;
    const load = ++app.load;
    const started = performance.now();
    const width = chartWidth(app.charts.temperature.box);
    const points = Math.min(MAX_POINTS, Math.round(2 * width));
    app.loadedWidth = width;
    $('#chart-info').textContent = t('loading');
    try {
      const body = await getJson(
        '/api/boards/' + encodeURIComponent(id) + '/readings?range=' + range + '&points=' + points,
      );
      if (load !== app.load) return;
      app.shown = load;
      app.chartReadings = body.readings;
      for (const series of SERIES) {
        const got = body[series] || { t: [], v: [] };
        app.charts[series].started = started;
        setChartData(series, [got.t.slice(), got.v.slice()]);
      }
      renderChartInfo();
    } catch (error) {
      if (load === app.load) $('#chart-info').textContent = t('load_failed', { error: error.message });
    }
  }

  function renderChartInfo() {
    if (app.selected === null || app.chartReadings == null) return;
    $('#chart-info').textContent = t('readings_count', { readings: app.chartReadings });
  }

  /** A live reading of the selected board: one more point, and the oldest out of range dropped. */
  function appendReading(id, reading) {
    // While another board or range loads, the charts still show the one before.
    if (id !== app.selected || !reading || app.shown !== app.load) return;
    const from = serverNow() - RANGES[app.range];
    let appended = false;
    for (const series of SERIES) {
      const value = reading[series];
      if (typeof value !== 'number') continue;
      const [ts, vs] = app.charts[series].data;
      if (ts.length && reading.t <= ts[ts.length - 1]) continue;
      ts.push(reading.t);
      vs.push(value);
      appended = true;
      let old = 0;
      while (old < ts.length && ts[old] < from) old++;
      if (old) {
        ts.splice(0, old);
        vs.splice(0, old);
      }
      setChartData(series, [ts, vs]);
    }
    if (appended && app.chartReadings != null) {
      app.chartReadings += 1;
      renderChartInfo();
    }
  }

  let resizeTimer = null;
  function resizeCharts() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      for (const series of SERIES) {
        const chart = app.charts[series];
        if (chart) chart.plot.setSize({ width: chartWidth(chart.box), height: chartHeight() });
      }
      // A tenth wider than when loaded (a phone turned, a window widened): the points the server
      // thinned for the old width would look coarse, so the range is asked again.
      const chart = app.charts.temperature;
      const wider = chart && app.loadedWidth && chartWidth(chart.box) > 1.1 * app.loadedWidth;
      if (wider && app.selected !== null) loadCharts();
    }, 100);
  }

  // ---- live events ----

  function openEvents() {
    const events = new EventSource('/api/events');
    events.addEventListener('board', (event) => {
      const data = JSON.parse(event.data);
      const { reading, ...board } = data;
      upsertBoard(board);
      if (reading) appendReading(board.board, reading);
    });
    events.addEventListener('status', (event) => applyStatus(JSON.parse(event.data)));
    events.addEventListener('open', () => {
      if (!app.streamLost) return;
      app.streamLost = false;
      renderStatus();
      getJson('/api/status').then(applyStatus, (error) => showMessage(t('load_failed', { error: error.message })));
    });
    events.addEventListener('error', () => {
      app.streamLost = true;
      renderStatus();
      // The browser retries by itself unless the answer was not an event stream (a 401 once a
      // token is needed, a server stopped mid-answer): then a new stream, a little later.
      if (events.readyState === EventSource.CLOSED) setTimeout(openEvents, 5000);
    });
  }

  // ---- start ----

  async function start() {
    app.lang = chooseLang();
    $('#lang').value = app.lang;
    $('#lang').addEventListener('change', (event) => {
      try {
        localStorage.setItem(LANG_KEY, event.target.value);
      } catch (_) {
        // Not kept across visits then; the switch still works.
      }
      setLang(event.target.value);
    });
    for (const button of document.querySelectorAll('[data-range]')) {
      button.addEventListener('click', () => setRange(button.dataset.range));
    }
    $('#board-select').addEventListener('change', (event) => select(event.target.value));
    window.addEventListener('resize', resizeCharts);
    setRange(app.range);
    renderStatus();
    tick();
    setInterval(tick, 1000);

    try {
      const [status, words] = await Promise.all([getJson('/api/status'), getJson('/api/words')]);
      app.words = words;
      setLang(app.lang);
      applyStatus(status);
      for (const series of SERIES) app.charts[series] = makeChart(series);
      const boards = await getJson('/api/boards');
      app.clockOffset = boards.now - Date.now() / 1000;
      for (const board of boards.boards) upsertBoard(board);
      app.ready = true;
      // The first board with readings, for a chart to show at once.
      const ids = [...app.boards.keys()].sort();
      const first = ids.find((id) => app.boards.get(id).last_reading_at != null) ?? ids[0];
      if (first !== undefined) select(first);
      $('#no-boards').hidden = app.boards.size > 0;
      showMessage('');
    } catch (error) {
      showMessage(app.words ? t('load_failed', { error: error.message }) : error.message);
    }
    openEvents();
  }

  document.addEventListener('DOMContentLoaded', start);
})();
