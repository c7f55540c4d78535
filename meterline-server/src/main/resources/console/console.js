// The Meterline console (SPEC §3.4): every page is drawn from the admin API, with the admin token
// the user gives, kept in this tab's session storage only. The page holds no logic of its own
// beyond drawing what the API answers and sending what the user asks.
(function () {
  'use strict';

  const TOKEN = 'meterline.adminToken';
  const main = document.getElementById('main');

  // ---- the admin API ----------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super(body && body.message ? body.message : 'HTTP ' + status);
      this.status = status;
      this.field = body && body.field;
    }
  }

  async function api(path, options) {
    const opts = options || {};
    const response = await fetch('/admin/v1' + path, {
      method: opts.method || 'GET',
      headers: {
        'Authorization': 'Bearer ' + sessionStorage.getItem(TOKEN),
        'Content-Type': 'application/json',
        'Accept': 'application/json'
      },
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body)
    });
    const text = await response.text();
    const body = text ? JSON.parse(text) : {};
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN);
      showLogin('The admin token was refused: ' + (body.message || 'sign in again'));
      throw new ApiError(401, body);
    }
    if (!response.ok) {
      throw new ApiError(response.status, body);
    }
    return body;
  }

  function query(params) {
    const q = Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== null && v !== '')
      .map(([k, v]) => encodeURIComponent(k) + '=' + encodeURIComponent(v));
    return q.length ? '?' + q.join('&') : '';
  }

  // ---- drawing ----------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === undefined || v === null) {
        return;
      }
      if (k.startsWith('on')) {
        e.addEventListener(k.substring(2), v);
      } else if (k === 'text') {
        e.textContent = v;
      } else {
        e.setAttribute(k, v);
      }
    });
    children.flat().forEach(c => {
      if (c !== null && c !== undefined) {
        e.append(c instanceof Node ? c : document.createTextNode(String(c)));
      }
    });
    return e;
  }

  function table(headings, rows, id) {
    return el('table', { id: id },
      el('thead', {}, el('tr', {}, headings.map(h => el('th', { text: h })))),
      el('tbody', {}, rows.length
        ? rows.map(r => el('tr', {}, r.map(c => c instanceof Node ? el('td', {}, c) : el('td', { text: c === undefined || c === null ? '' : String(c) }))))
        : [el('tr', {}, el('td', { colspan: headings.length, class: 'muted', text: 'None.' }))]));
  }

  function link(href, text) {
    return el('a', { href: href, text: text });
  }

  function button(text, onclick, cls) {
    return el('button', { type: 'button', class: cls, onclick: onclick, text: text });
  }

  function say(text, ok) {
    const m = document.getElementById('message');
    m.textContent = text;
    m.className = ok ? 'ok' : '';
    m.hidden = !text;
  }

  function page(title, ...content) {
    main.replaceChildren(el('h1', { text: title }), ...content);
  }

  function field(label, input) {
    return el('label', {}, label, input);
  }

  // A form whose submit runs an action, reporting what the API says.
  function form(fields, submitText, action) {
    const f = el('form', { class: 'inline' }, fields, el('button', { type: 'submit', text: submitText }));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await action(new FormData(f));
      } catch (err) {
        say(err.message + (err.field ? ' (' + err.field + ')' : ''));
      }
    });
    return f;
  }

  // ---- pages ------------------------------------------------------------------------------

  async function overview() {
    const [products, buyers, subs, tasks, calls] = await Promise.all([
      api('/products?limit=1000'), api('/buyers?limit=1000'),
      api('/subscriptions?status=ACTIVE&limit=1000'), api('/tasks?status=RUNNING&limit=1000'),
      api('/calls?limit=1000')
    ]);
    const count = list => list.items.length + (list.nextToken ? '+' : '');
    const minute = 60 * 1000;
    const now = Date.now();
    const perMinute = [];
    for (let i = 9; i >= 0; i--) {
      const from = now - (i + 1) * minute;
      const to = now - i * minute;
      const inMinute = calls.items.filter(c => { const t = Date.parse(c.time); return t >= from && t < to; });
      perMinute.push([new Date(from).toISOString().substring(11, 16),
        inMinute.length, inMinute.filter(c => c.outcome !== 'OK').length]);
    }
    page('Overview',
      el('div', { class: 'cards' },
        card('Products', count(products)), card('Buyers', count(buyers)),
        card('Active subscriptions', count(subs)), card('Running tasks', count(tasks))),
      el('h2', { text: 'Data-plane calls, last 10 minutes' }),
      table(['Minute (UTC)', 'Calls', 'Errors'], perMinute, 'calls-per-minute'));
  }

  function card(label, value) {
    return el('div', { class: 'card' }, el('div', { class: 'muted', text: label }), el('div', { class: 'value', text: value }));
  }

  async function products() {
    const list = await api('/products?limit=1000');
    page('Products',
      table(['Code', 'Name', 'Pricing', 'Seller', 'Key', 'Created'],
        list.items.map(p => [link('#/products/' + encodeURIComponent(p.productCode), p.productCode),
          p.name, p.pricing, p.sellerAccountId, p.publicKeyVersion, p.createdAt]), 'products'),
      el('h2', { text: 'New product' }),
      form([
        field('Name', el('input', { name: 'name', required: '' })),
        field('Pricing', el('select', { name: 'pricing' }, ['CUSTOM', 'HOURLY', 'MONTHLY', 'FREE', 'CONTRACT'].map(p => el('option', { text: p })))),
        field('Hourly price', el('input', { name: 'hourlyPrice', size: 6 })),
        field('Monthly price', el('input', { name: 'monthlyPrice', size: 6 })),
        field('Dimensions (Name=price:unit, …)', el('input', { name: 'dimensions', size: 30 })),
        field('Seller account', el('input', { name: 'sellerAccountId', size: 14 })),
        field('Product id (CONTRACT)', el('input', { name: 'productId', size: 14 }))
      ], 'Create', async (data) => {
        const body = { name: data.get('name'), pricing: data.get('pricing') };
        ['hourlyPrice', 'monthlyPrice', 'sellerAccountId', 'productId'].forEach(k => { if (data.get(k)) body[k] = data.get(k); });
        if (data.get('dimensions')) {
          body.dimensions = data.get('dimensions').split(',').map(s => s.trim()).filter(s => s).map(s => {
            const [name, rest] = s.split('=');
            const [price, unit] = (rest || '').split(':');
            const d = { name: name.trim() };
            if (price && price.trim()) d.price = price.trim();
            if (unit && unit.trim()) d.unit = unit.trim();
            return d;
          });
        }
        const p = await api('/products', { method: 'POST', body: body });
        say('Created product ' + p.productCode, true);
        location.hash = '#/products/' + encodeURIComponent(p.productCode);
      }));
  }

  async function product(code) {
    const p = await api('/products/' + encodeURIComponent(code));
    const target = await api('/products/' + encodeURIComponent(code) + '/notifications')
      .catch(err => { if (err.status === 404) return null; throw err; });
    const prices = p.priceHistory.map(v => [v.since, v.hourlyPrice, v.monthlyPrice,
      v.dimensions.map(d => d.name + ' ' + d.price).join(', ')]);
    page(p.name,
      table(['Code', 'Pricing', 'Product id', 'Hourly price', 'Monthly price', 'Seller', 'SaaS', 'Preview'],
        [[p.productCode, p.pricing, p.productId, p.hourlyPrice, p.monthlyPrice, p.sellerAccountId, p.saas, p.preview]]),
      el('h2', { text: 'Dimensions' }),
      table(['Name', 'Unit', 'Price'], p.dimensions.map(d => [d.name, d.unit, d.price]), 'dimensions'),
      el('h2', { text: 'Prices over time' }),
      table(['Since', 'Hourly', 'Monthly', 'Dimensions'], prices, 'price-history'),
      form([
        field(p.pricing === 'HOURLY' ? 'New hourly price' : p.pricing === 'MONTHLY' ? 'New monthly price' : 'Dimension prices (Name=price, …)',
          el('input', { name: 'value', required: '' }))
      ], 'Change prices', async (data) => {
        const value = data.get('value');
        const body = p.pricing === 'HOURLY' ? { hourlyPrice: value }
          : p.pricing === 'MONTHLY' ? { monthlyPrice: value }
            : { dimensions: value.split(',').map(s => s.split('=')).map(([n, v]) => ({ name: n.trim(), price: (v || '').trim() })) };
        await api('/products/' + encodeURIComponent(code) + '/prices', { method: 'PUT', body: body });
        say('Prices changed', true);
        route();
      }),
      el('h2', { text: 'Subscription notifications' }),
      el('p', { id: 'notification-target', text: target ? target.format + ' to ' + target.url : 'Not sent anywhere.' }),
      form([
        field('URL', el('input', { name: 'notifyUrl', size: 40, required: '', value: target ? target.url : '', placeholder: 'http://127.0.0.1:8080/hook' })),
        field('Format', el('select', { name: 'notifyFormat' }, ['SNS', 'EVENTBRIDGE'].map(f => el('option', { value: f, text: f, selected: target && target.format === f ? '' : null }))))
      ], 'Send notifications', async (data) => {
        await api('/products/' + encodeURIComponent(code) + '/notifications',
          { method: 'PUT', body: { url: data.get('notifyUrl'), format: data.get('notifyFormat') } });
        say('Notifications go to ' + data.get('notifyUrl'), true);
        route();
      }),
      link('#/notifications?productCode=' + encodeURIComponent(code), 'Deliveries'),
      el('h2', { text: 'Signing keys' }),
      table(['Version', 'Created', 'Retired', 'Public key'], p.publicKeys.map(k => [k.publicKeyVersion, k.createdAt, k.retiredAt,
        el('code', { text: k.publicKeyPem.split('\n')[1] + '…' })]), 'keys'),
      button('Rotate the key', async () => {
        try {
          const k = await api('/products/' + encodeURIComponent(code) + '/keys/rotate', { method: 'POST' });
          say('Key version ' + k.publicKeyVersion + ' is current', true);
          route();
        } catch (err) {
          say(err.message);
        }
      }));
  }

  async function buyers() {
    const list = await api('/buyers?limit=1000');
    page('Buyers',
      table(['Account', 'Customer identifier', 'Created'],
        list.items.map(b => [link('#/buyers/' + encodeURIComponent(b.awsAccountId), b.awsAccountId), b.customerIdentifier, b.createdAt]), 'buyers'),
      el('h2', { text: 'New buyer' }),
      form([field('Account id (12 digits)', el('input', { name: 'awsAccountId', required: '', size: 14 }))], 'Create', async (data) => {
        const b = await api('/buyers', { method: 'POST', body: { awsAccountId: data.get('awsAccountId') } });
        say('Created buyer ' + b.awsAccountId, true);
        location.hash = '#/buyers/' + encodeURIComponent(b.awsAccountId);
      }));
  }

  async function buyer(account, month, now) {
    const [b, subs, products] = await Promise.all([
      api('/buyers/' + encodeURIComponent(account)), api('/subscriptions' + query({ awsAccountId: account, limit: 1000 })), api('/products?limit=1000')
    ]);
    // The month of service time, which the test clock may have moved away from the browser's.
    const shownMonth = month || now.substring(0, 7);
    const invoice = await api('/invoices' + query({ awsAccountId: account, month: shownMonth }));
    page('Buyer ' + account,
      el('p', { class: 'muted', text: 'Customer identifier ' + b.customerIdentifier }),
      el('h2', { text: 'Subscriptions' }),
      table(['Subscription', 'Product', 'Status', 'Started', 'Ended', 'Contract', ''], subs.items.map(s => [s.subscriptionId, s.productCode, s.status, s.startedAt, s.endedAt, contractText(s),
        s.status === 'ACTIVE' ? button('Unsubscribe', async () => {
          try {
            await api('/subscriptions/' + encodeURIComponent(s.subscriptionId), { method: 'DELETE' });
            say('Unsubscribed', true);
            route();
          } catch (err) { say(err.message); }
        }, 'secondary') : '']), 'subscriptions'),
      form([field('Product', el('select', { name: 'productCode' }, products.items.map(p => el('option', { value: p.productCode, text: p.name + ' (' + p.productCode + ')' })))),
        field('Contract (Dimension=quantity[/MONTH], …)', el('input', { name: 'contract', size: 24 })),
        field('Contract ends (CONTRACT)', el('input', { name: 'endsAt', size: 22, placeholder: '2027-12-31T00:00:00Z' }))],
        'Subscribe', async (data) => {
          const body = { productCode: data.get('productCode'), awsAccountId: account };
          if (data.get('contract')) body.contract = contractLines(data.get('contract'));
          if (data.get('endsAt')) body.endsAt = data.get('endsAt');
          await api('/subscriptions', { method: 'POST', body: body });
          say('Subscribed', true);
          route();
        }),
      amendForm(subs.items.filter(s => s.status === 'ACTIVE' && s.contractEndsAt)),
      el('h2', { text: 'Invoice' }),
      form([field('Month', el('input', { type: 'month', name: 'month', value: shownMonth }))], 'Show', async (data) => {
        location.hash = '#/buyers/' + encodeURIComponent(account) + '/' + data.get('month');
      }),
      invoiceTable(invoice));
  }

  // A subscription's contract in a line: "Seats 2, Premium 1 until …" or "Hosts 10/MONTH".
  function contractText(s) {
    const lines = s.contract.map(l => l.dimension + ' ' + l.quantity + (l.per ? '/' + l.per : '')).join(', ');
    return lines + (s.contractEndsAt ? ' until ' + s.contractEndsAt : '');
  }

  // "Seats=2, Hosts=10/MONTH" as contract lines.
  function contractLines(text) {
    return text.split(',').map(s => s.trim()).filter(s => s).map(s => {
      const [dimension, rest] = s.split('=');
      const [quantity, per] = (rest || '').split('/');
      const line = { dimension: dimension.trim(), quantity: Number(quantity) };
      if (per) line.per = per.trim().toUpperCase();
      return line;
    });
  }

  // Amends, renews or ends one of the buyer's CONTRACT subscriptions.
  function amendForm(contracts) {
    if (contracts.length === 0) return el('span');
    return el('div', {},
      el('h2', { text: 'Amend a contract' }),
      form([field('Subscription', el('select', { name: 'amendId' }, contracts.map(s => el('option', { value: s.subscriptionId, text: s.subscriptionId + ' (' + s.productCode + ')' })))),
        field('New contract (Dimension=quantity, …)', el('input', { name: 'amendContract', size: 24 })),
        field('New end', el('input', { name: 'amendEndsAt', size: 22 }))],
      'Amend', async (data) => {
        const body = {};
        if (data.get('amendContract')) body.contract = contractLines(data.get('amendContract'));
        if (data.get('amendEndsAt')) body.endsAt = data.get('amendEndsAt');
        await api('/subscriptions/' + encodeURIComponent(data.get('amendId')) + '/contract', { method: 'PUT', body: body });
        say('Contract amended', true);
        route();
      }));
  }

  function invoiceTable(invoice) {
    return el('div', { id: 'invoice' },
      table(['Product', 'Kind', 'Dimension', 'Quantity', 'Unit', 'Unit price', 'Amount'],
        invoice.lines.map(l => [l.productName + ' (' + l.productCode + ')', l.kind, l.dimension, l.quantity, l.unit, l.unitPrice, l.amount])),
      el('p', {},
        el('strong', { text: 'Amount due: ' + invoice.amountDue + ' ' + invoice.currency }),
        ' (total ' + invoice.total + '; ' + (invoice.final ? 'final' : 'an estimate: the month is still open') + ')'));
  }

  async function tasks(status) {
    const list = await api('/tasks' + query({ status: status, limit: 1000 }));
    page('Tasks',
      form([field('Status', el('select', { name: 'status' }, ['', 'RUNNING', 'STOPPED'].map(s => el('option', { value: s, text: s || 'any', selected: s === (status || '') ? '' : null }))))],
        'Filter', async (data) => { location.hash = '#/tasks/' + data.get('status'); }),
      table(['Task', 'Buyer', 'Platform', 'Region', 'Status', 'Started', 'Stopped', ''], list.items.map(t => [t.taskId, t.awsAccountId, t.platform, t.region, t.status, t.startedAt, t.stoppedAt,
        t.status === 'RUNNING' ? button('Stop', async () => {
          try {
            await api('/tasks/' + encodeURIComponent(t.taskId), { method: 'DELETE' });
            say('Stopped task ' + t.taskId, true);
            route();
          } catch (err) { say(err.message); }
        }, 'secondary') : '']), 'tasks'));
  }

  async function usage(params) {
    const products = await api('/products?limit=1000');
    const productCode = params.get('product') || (products.items[0] && products.items[0].productCode) || '';
    const summary = await api('/usage/summary' + query({ productCode: productCode, from: params.get('from'), to: params.get('to') }));
    const chart = el('div', { class: 'chart', id: 'usage-chart' });
    page('Usage by hour and dimension',
      form([
        field('Product', el('select', { name: 'product' }, products.items.map(p => el('option', { value: p.productCode, text: p.name + ' (' + p.productCode + ')', selected: p.productCode === productCode ? '' : null })))),
        field('From (UTC)', el('input', { name: 'from', value: summary.from, size: 22 })),
        field('To (UTC)', el('input', { name: 'to', value: summary.to, size: 22 }))
      ], 'Show', async (data) => {
        location.hash = '#/usage?' + new URLSearchParams({ product: data.get('product'), from: data.get('from'), to: data.get('to') });
      }),
      chart,
      table(['Dimension', 'Hours with usage', 'Total'], summary.series.map(s => [s.dimension, s.hours.length, s.quantities.reduce((a, b) => a + b, 0)]), 'usage-totals'));
    drawChart(chart, summary);
  }

  // One line per dimension over the range's hours; hours without usage are zero.
  function drawChart(container, summary) {
    const from = Date.parse(summary.from) / 1000;
    const to = Date.parse(summary.to) / 1000;
    const hours = [];
    for (let t = from; t < to; t += 3600) {
      hours.push(t);
    }
    const index = new Map(hours.map((t, i) => [t, i]));
    const colors = ['#1f5fbf', '#d92d20', '#039855', '#dc6803', '#7a5af8', '#0e9384', '#c11574', '#475467'];
    const series = [{}];
    const data = [hours];
    summary.series.forEach((s, i) => {
      const values = new Array(hours.length).fill(0);
      s.hours.forEach((h, j) => {
        const k = index.get(Date.parse(h) / 1000);
        if (k !== undefined) values[k] = s.quantities[j];
      });
      series.push({ label: s.dimension, stroke: colors[i % colors.length], width: 2 });
      data.push(values);
    });
    if (summary.series.length === 0) {
      container.append(el('p', { class: 'muted', text: 'No usage in this range.' }));
      return;
    }
    // eslint-disable-next-line no-undef
    new uPlot({ width: Math.min(1100, window.innerWidth - 80), height: 320, series: series, axes: [{}, { label: 'quantity' }] }, data, container);
  }

  async function calls(params) {
    const filter = { productCode: params.get('productCode'), awsAccountId: params.get('awsAccountId'), operation: params.get('operation'), outcome: params.get('outcome'), limit: 200 };
    const list = await api('/calls' + query(filter));
    page('Call log',
      form([
        field('Product', el('input', { name: 'productCode', value: filter.productCode || '', size: 26 })),
        field('Account', el('input', { name: 'awsAccountId', value: filter.awsAccountId || '', size: 14 })),
        field('Operation', el('select', { name: 'operation' }, ['', 'MeterUsage', 'BatchMeterUsage', 'RegisterUsage', 'ResolveCustomer'].map(o => el('option', { value: o, text: o || 'any', selected: o === (filter.operation || '') ? '' : null })))),
        field('Outcome', el('input', { name: 'outcome', value: filter.outcome || '', size: 24, placeholder: 'OK or an error name' }))
      ], 'Filter', async (data) => {
        const p = new URLSearchParams();
        for (const [k, v] of data.entries()) if (v) p.set(k, v);
        location.hash = '#/calls?' + p;
      }),
      table(['Time', 'Operation', 'Outcome', 'Account', 'Task', 'Product', 'Request id', 'Records', 'Message'],
        list.items.map(c => [c.time, c.operation, c.outcome, c.awsAccountId, c.taskId, c.productCode, c.requestId, (c.meteringRecordIds || []).join(' '), c.message]), 'calls'));
  }

  async function operations() {
    const [faults, clock] = await Promise.all([api('/faults'), api('/clock')]);
    page('Faults and the test clock',
      el('h2', { text: 'Injected faults' }),
      table(['Operation', 'Error', 'Rate', 'Latency (ms)'], faults.faults.map(f => [f.operation, f.error, f.rate, f.latencyMs]), 'faults'),
      form([
        field('Operation', el('select', { name: 'operation' }, ['MeterUsage', 'BatchMeterUsage', 'RegisterUsage', 'ResolveCustomer'].map(o => el('option', { text: o })))),
        field('Error', el('input', { name: 'error', placeholder: 'ThrottlingException', size: 28 })),
        field('Rate (0-1)', el('input', { name: 'rate', value: '1', size: 5 })),
        field('Latency (ms)', el('input', { name: 'latencyMs', size: 6 }))
      ], 'Inject', async (data) => {
        const body = { operation: data.get('operation'), rate: Number(data.get('rate')) };
        if (data.get('error')) body.error = data.get('error');
        if (data.get('latencyMs')) body.latencyMs = Number(data.get('latencyMs'));
        await api('/faults', { method: 'PUT', body: body });
        say('Fault set', true);
        route();
      }),
      button('Clear every fault', async () => { await api('/faults', { method: 'DELETE' }); say('Faults cleared', true); route(); }, 'secondary'),
      el('h2', { text: 'Service clock' }),
      el('p', {}, 'Now: ', el('strong', { id: 'service-now', text: clock.now }), clock.testClock ? ' (test clock: it moves only when set)' : ' (it follows real time; start the server with --test-clock to set it)'),
      clock.testClock ? form([
        field('Set to (ISO-8601 instant)', el('input', { name: 'now', size: 24 })),
        field('Or advance by (e.g. PT1H)', el('input', { name: 'advance', size: 10 }))
      ], 'Move the clock', async (data) => {
        const body = {};
        if (data.get('now')) body.now = data.get('now');
        if (data.get('advance')) body.advance = data.get('advance');
        await api('/clock', { method: 'PUT', body: body });
        say('Clock moved', true);
        route();
      }) : null);
  }

  // ---- routing and signing in -------------------------------------------------------------

  function showLogin(why) {
    document.getElementById('nav').hidden = true;
    document.getElementById('signout').hidden = true;
    const input = el('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'off', required: '' });
    const f = el('form', { class: 'login', id: 'login' },
      el('h1', { text: 'Sign in' }),
      el('p', { class: 'muted', text: 'The admin token: "meterline serve" prints it and writes it to server.json in its data directory. It stays in this tab only.' }),
      input, el('button', { type: 'submit', text: 'Sign in' }));
    f.addEventListener('submit', async (e) => {
      e.preventDefault();
      sessionStorage.setItem(TOKEN, input.value.trim());
      try {
        await api('/clock');
        say('');
        if (!location.hash || location.hash === '#/login') location.hash = '#/overview';
        route();
      } catch (err) {
        if (err.status !== 401) say(err.message);
      }
    });
    main.replaceChildren(f);
    if (why) say(why);
  }

  async function notifications(params) {
    const productCode = params.get('productCode');
    const list = await api('/notifications/deliveries' + query({ productCode: productCode, limit: 200 }));
    page('Notifications',
      form([
        field('Product', el('input', { name: 'productCode', value: productCode || '', size: 26 }))
      ], 'Filter', async (data) => {
        location.hash = '#/notifications' + query({ productCode: data.get('productCode') });
      }),
      table(['Created', 'Due', 'Product', 'Account', 'Action', 'Format', 'Status', 'Tries', 'Last answer', 'Error'],
        list.items.map(n => [n.createdAt, n.dueAt, n.productCode, n.awsAccountId, n.action, n.format, n.status, n.attempts, n.lastStatus, n.lastError]), 'deliveries'));
  }

  async function route() {
    if (!sessionStorage.getItem(TOKEN)) {
      showLogin();
      return;
    }
    document.getElementById('nav').hidden = false;
    document.getElementById('signout').hidden = false;
    const hash = location.hash || '#/overview';
    const [path, search] = hash.substring(1).split('?');
    const parts = path.split('/').filter(p => p).map(decodeURIComponent);
    const params = new URLSearchParams(search || '');
    document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', hash.startsWith(a.getAttribute('href'))));
    try {
      const clock = await api('/clock');
      document.getElementById('clock').textContent = 'Service time ' + clock.now;
      switch (parts[0]) {
        case 'products': await (parts[1] ? product(parts[1]) : products()); break;
        case 'buyers': await (parts[1] ? buyer(parts[1], parts[2], clock.now) : buyers()); break;
        case 'tasks': await tasks(parts[1]); break;
        case 'usage': await usage(params); break;
        case 'calls': await calls(params); break;
        case 'notifications': await notifications(params); break;
        case 'operations': await operations(); break;
        default: await overview();
      }
    } catch (err) {
      if (err.status !== 401) say(err.message);
    }
  }

  document.getElementById('signout').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN);
    say('');
    showLogin();
  });
  window.addEventListener('hashchange', () => { say(''); route(); });
  route();
}());
