// The Clavier sample dashboard: polls /actuator/clavier and /demo/backends every second,
// drives the demo backends, and charts where a burst of calls went. Plain JavaScript, no build.
(function () {
	'use strict';

	const POLL_MILLIS = 1000;

	const el = (id) => document.getElementById(id);
	let lastBackendsHtml = '';
	let lastClavier = null;

	function escapeHtml(value) {
		return String(value ?? '').replace(/[&<>"']/g, (c) => ({
			'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'
		}[c]));
	}

	// "PT0.5S" -> "500ms", "PT1S" -> "1s", "PT1M30S" -> "1m 30s"
	function formatDuration(iso) {
		if (!iso) {
			return '–';
		}
		const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso);
		if (!m) {
			return iso;
		}
		const h = Number(m[1] || 0);
		const min = Number(m[2] || 0);
		const s = Number(m[3] || 0);
		if (h === 0 && min === 0 && s < 1) {
			return Math.round(s * 1000) + 'ms';
		}
		const parts = [];
		if (h) {
			parts.push(h + 'h');
		}
		if (min) {
			parts.push(min + 'm');
		}
		if (s) {
			parts.push((Number.isInteger(s) ? s : s.toFixed(1)) + 's');
		}
		return parts.join(' ');
	}

	function ago(instant) {
		if (!instant) {
			return 'never';
		}
		const seconds = Math.round((Date.now() - Date.parse(instant)) / 1000);
		if (seconds <= 0) {
			return 'just now';
		}
		if (seconds < 60) {
			return seconds + 's ago';
		}
		if (seconds < 3600) {
			return Math.floor(seconds / 60) + 'm ' + (seconds % 60) + 's ago';
		}
		return new Date(instant).toLocaleTimeString();
	}

	function inFuture(instant) {
		if (!instant) {
			return null;
		}
		const seconds = Math.round((Date.parse(instant) - Date.now()) / 1000);
		return seconds <= 0 ? 'now' : 'in ' + seconds + 's';
	}

	function address(host, port) {
		return host.includes(':') ? '[' + host + ']:' + port : host + ':' + port;
	}

	// The share of calls each endpoint receives now, as the listener's round robin gives it: by
	// weight among the endpoints picked from (the healthy ones, or every one in the all-down
	// fallback). Weight 0 is RFC 2782's "very small chance": while another weight is positive, a
	// weight-0 endpoint counts 1 against 100 per unit of positive weight.
	function shares(endpoints, fallback) {
		const weight = (e) => e.effectiveWeight ?? e.weight ?? 1;
		const picked = endpoints.filter((e) => fallback || e.status === 'HEALTHY');
		const anyPositive = picked.some((e) => weight(e) > 0);
		const units = (e) => !picked.includes(e) ? 0 : !anyPositive ? 1 : weight(e) > 0 ? weight(e) * 100 : 1;
		const total = picked.reduce((sum, e) => sum + units(e), 0);
		return endpoints.map((e) => (total > 0 ? 100 * units(e) / total : 0));
	}

	// 60 -> "60%", 33.333 -> "33.3%"
	function percent(value) {
		const rounded = Math.round(value * 10) / 10;
		return (Number.isInteger(rounded) ? rounded : rounded.toFixed(1)) + '%';
	}

	function renderListener(name, listener) {
		const endpoints = (listener.endpoints || []).slice().sort((a, b) =>
			a.host.localeCompare(b.host, undefined, { numeric: true }) || a.port - b.port);
		const endpointShares = shares(endpoints, listener.fallback);
		const healthy = listener.healthy ?? endpoints.filter((e) => e.status === 'HEALTHY').length;
		const total = listener.total ?? endpoints.length;
		const countClass = total > 0 && healthy === total ? 'all' : healthy > 0 ? 'some' : 'none';
		const d = listener.discovery || {};
		const s = listener.scout || {};
		const next = inFuture(d.nextRefresh);
		const discoveryParts = [
			'<span><b>' + escapeHtml(d.model) + '</b> ' + escapeHtml(d.target) + '</span>',
			'<span>refreshed ' + escapeHtml(ago(d.lastRefresh)) + (next ? ', next ' + escapeHtml(next) : '') + '</span>'
		];
		if (d.lastNote) {
			discoveryParts.push('<span>note: ' + escapeHtml(d.lastNote) + '</span>');
		}
		const scoutText = '<span><b>' + escapeHtml(s.model) + '</b> scout every ' + escapeHtml(formatDuration(s.interval))
			+ ', timeout ' + escapeHtml(formatDuration(s.timeout)) + ', rise ' + escapeHtml(s.rise)
			+ ', fall ' + escapeHtml(s.fall) + '</span>';
		const filterText = '<span><b>' + escapeHtml((listener.filter || {}).model) + '</b></span>';
		const rows = endpoints.map((e, i) => {
			const key = address(e.host, e.port);
			const transitions = e.transitions || [];
			const last = transitions.length ? transitions[transitions.length - 1] : null;
			const since = last ? 'since ' + ago(last.at) : '';
			const error = e.lastError && e.status !== 'HEALTHY' && !(e.cause || '').includes(e.lastError)
				? '<div class="error">' + escapeHtml(e.lastError) + '</div>' : '';
			return '<tr data-endpoint="' + escapeHtml(key) + '" data-status="' + escapeHtml(e.status) + '">'
				+ '<td class="addr">' + escapeHtml(key) + '</td>'
				+ '<td><span class="pill status-' + escapeHtml(e.status) + '">' + escapeHtml(e.status) + '</span>'
				+ (since ? '<div class="sub">' + escapeHtml(since) + '</div>' : '') + '</td>'
				+ '<td class="num">' + escapeHtml(e.effectiveWeight ?? e.weight ?? 1) + '</td>'
				+ '<td class="num share" data-share="' + percent(endpointShares[i]).replace('%', '') + '">'
				+ '<span class="share-bar" style="width:' + Math.round(endpointShares[i]) + '%"></span>'
				+ '<span class="share-text">' + percent(endpointShares[i]) + '</span></td>'
				+ '<td class="num">' + (e.latencyMs == null ? '–' : escapeHtml(Number(e.latencyMs).toFixed(1)) + ' ms') + '</td>'
				+ '<td class="num sub">' + escapeHtml(ago(e.lastCheck)) + '</td>'
				+ '<td class="cause">' + escapeHtml(e.cause || '–') + error + '</td>'
				+ '</tr>';
		}).join('');
		const body = rows || '<tr><td colspan="7" class="sub">No endpoints discovered.</td></tr>';
		return '<article class="card listener" data-listener="' + escapeHtml(name) + '">'
			+ '<div class="listener-head"><div class="listener-name"><h3>' + escapeHtml(name) + '</h3>'
			+ (listener.fallback ? '<span class="pill status-UNHEALTHY">ALL-DOWN FALLBACK</span>' : '') + '</div>'
			+ '<span class="count ' + countClass + '" data-healthy="' + healthy + '">' + healthy + ' / ' + total
			+ ' healthy</span></div>'
			+ '<div class="listener-meta">' + discoveryParts.join('') + scoutText + filterText + '</div>'
			+ (d.lastError ? '<div class="discovery-error">Discovery: ' + escapeHtml(d.lastError)
				+ (d.attempts ? ' (' + escapeHtml(d.attempts) + ' failed attempts)' : '') + '</div>' : '')
			+ '<table class="table"><thead><tr><th>Endpoint</th><th>Status</th><th class="num">Weight</th>'
			+ '<th class="num" title="Share of calls this endpoint receives now: its weight among the healthy endpoints">Share of calls</th>'
			+ '<th class="num">Latency</th>'
			+ '<th class="num">Checked</th><th>Cause of the last change</th></tr></thead><tbody>' + body + '</tbody></table>'
			+ '</article>';
	}

	function renderListeners(data) {
		const listeners = (data && data.listeners) || {};
		const names = Object.keys(listeners);
		el('listeners').innerHTML = names.length
			? names.map((name) => renderListener(name, listeners[name])).join('')
			: '<div class="card empty">No listeners configured.</div>';
	}

	function backendState(b) {
		if (!b.running) {
			return '<span class="pill state-stopped">STOPPED</span>';
		}
		const health = '<div class="sub">health: ' + escapeHtml(b.health) + '</div>';
		if (b.failing) {
			return '<span class="pill state-failing">FAILING</span>' + health;
		}
		return '<span class="pill state-serving">SERVING</span>' + health;
	}

	function renderBackends(list) {
		const html = list.map((b) => {
			const button = (action, label, enabled, cls) => '<button type="button" class="' + (cls || '') + '"'
				+ ' data-backend-id="' + escapeHtml(b.id) + '" data-action="' + action + '"'
				+ (enabled ? '' : ' disabled') + '>' + label + '</button>';
			return '<tr data-backend="' + escapeHtml(b.id) + '">'
				+ '<td><div class="addr">' + escapeHtml(b.address) + '</div><div class="sub">' + escapeHtml(b.id) + ' · '
				+ escapeHtml(b.kind.toUpperCase()) + '</div></td>'
				+ '<td>' + backendState(b) + '</td>'
				+ '<td><div class="actions">'
				+ button('fail', 'Fail', b.running && !b.failing, 'danger')
				+ button('recover', 'Recover', b.failing)
				+ button('stop', 'Stop', b.running, 'danger')
				+ button('start', 'Start', !b.running)
				+ '</div></td></tr>';
		}).join('');
		if (html !== lastBackendsHtml) {
			lastBackendsHtml = html;
			el('backends').innerHTML = html;
		}
	}

	function setLive(ok, text) {
		el('live').dataset.state = ok ? 'live' : 'error';
		el('live-text').textContent = text;
	}

	async function getJson(url) {
		const response = await fetch(url, { headers: { Accept: 'application/json' }, cache: 'no-store' });
		if (!response.ok) {
			throw new Error(url + ': HTTP ' + response.status);
		}
		return response.json();
	}

	async function refresh() {
		try {
			const [clavier, demo] = await Promise.all([getJson('actuator/clavier'), getJson('demo/backends')]);
			lastClavier = clavier;
			renderListeners(clavier);
			renderBackends(demo);
			setLive(true, 'live · updated ' + new Date().toLocaleTimeString());
		}
		catch (error) {
			setLive(false, 'not connected: ' + error.message);
		}
	}

	async function poll() {
		await refresh();
		setTimeout(poll, POLL_MILLIS);
	}

	el('backends').addEventListener('click', async (event) => {
		const button = event.target.closest('button[data-action]');
		if (!button || button.disabled) {
			return;
		}
		button.disabled = true;
		try {
			const response = await fetch('demo/backends/' + encodeURIComponent(button.dataset.backendId) + '/'
				+ button.dataset.action, { method: 'POST' });
			if (!response.ok) {
				throw new Error('HTTP ' + response.status);
			}
		}
		catch (error) {
			setLive(false, 'action failed: ' + error.message);
		}
		await refresh();
	});

	function renderChart(result) {
		const service = result.service;
		const counts = Object.assign({}, result.byBackend);
		// Every endpoint of the listener gets a bar, so that one that received nothing shows as 0.
		const listener = lastClavier && lastClavier.listeners && lastClavier.listeners[service];
		const expected = ((listener && listener.endpoints) || []).map((e) => address(e.host, e.port))
			.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
		const keys = expected.concat(Object.keys(counts).filter((k) => !expected.includes(k)));
		const bars = keys.map((k) => ({ label: k, count: counts[k] || 0, failed: false }));
		if (result.failures > 0) {
			bars.push({ label: 'failed', count: result.failures, failed: true });
		}
		const max = Math.max(1, ...bars.map((b) => b.count));
		const width = 400;
		const labelWidth = 150;
		const valueWidth = 90;
		const barHeight = 22;
		const gap = 10;
		const trackWidth = width - labelWidth - valueWidth;
		const height = bars.length * (barHeight + gap);
		const rows = bars.map((b, i) => {
			const y = i * (barHeight + gap);
			const w = Math.round(trackWidth * b.count / max);
			return '<g data-bar data-host="' + escapeHtml(b.label) + '" data-count="' + b.count + '">'
				+ '<text class="bar-label" x="0" y="' + (y + 15) + '">' + escapeHtml(b.label) + '</text>'
				+ '<rect class="bar-track" x="' + labelWidth + '" y="' + y + '" width="' + trackWidth + '" height="' + barHeight + '" rx="4"></rect>'
				+ '<rect class="bar-fill' + (b.failed ? ' failed' : '') + '" x="' + labelWidth + '" y="' + y + '" width="' + w
				+ '" height="' + barHeight + '" rx="4"></rect>'
				+ '<text class="bar-value" x="' + (width - 4) + '" y="' + (y + 15) + '" text-anchor="end">' + b.count
				+ ' · ' + percent(result.calls > 0 ? 100 * b.count / result.calls : 0) + '</text>'
				+ '</g>';
		}).join('');
		el('burst-chart').innerHTML = '<svg viewBox="0 0 ' + width + ' ' + height + '" role="img" aria-label="Calls per backend">'
			+ rows + '</svg>';
		const clients = Object.entries(result.byClient || {}).map(([k, v]) => k + ' ' + v).join(', ');
		el('burst-summary').innerHTML = escapeHtml(result.calls + ' calls to http://' + service + '/hello in '
			+ result.durationMs + ' ms · ' + clients + ' · ' + result.failures + ' failed')
			+ (result.lastError ? '<div class="error">' + escapeHtml(result.lastError) + '</div>' : '');
		el('burst-chart').dataset.burst = String(Date.now());
	}

	el('burst-service').addEventListener('change', () => {
		el('burst-uri').textContent = 'http://' + el('burst-service').value + '/hello';
	});

	el('burst-button').addEventListener('click', async () => {
		const button = el('burst-button');
		const service = el('burst-service').value;
		button.disabled = true;
		el('burst-summary').textContent = 'Sending 100 calls to http://' + service + '/hello…';
		try {
			const response = await fetch('demo/burst?calls=100&service=' + encodeURIComponent(service), { method: 'POST' });
			if (!response.ok) {
				throw new Error('HTTP ' + response.status);
			}
			renderChart(await response.json());
		}
		catch (error) {
			el('burst-summary').innerHTML = '<span class="error">Burst failed: ' + escapeHtml(error.message) + '</span>';
		}
		finally {
			button.disabled = false;
		}
	});

	poll();
}());
