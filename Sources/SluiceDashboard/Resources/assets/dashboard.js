// Sluice dashboard: the little the pages do in the browser. Everything works without it;
// it only spares clicks. No inline handlers (the Content-Security-Policy forbids them).
(function () {
  "use strict";

  // Each partition's last end offset and when it was read (measureRates).
  var lastEnds = {};

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // A select marked data-autosubmit submits its form when changed (the tenant switch).
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
        target.form.requestSubmit();
      }
    });

    // A form with data-confirm asks first.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    }, true);

    // A button with data-copy="id" copies that input's value.
    document.addEventListener("click", function (event) {
      var button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
      if (!button) return;
      var input = document.getElementById(button.getAttribute("data-copy"));
      if (!input) return;
      input.select();
      var done = function () { button.textContent = "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });

    measureRates();
    document.body.addEventListener("htmx:afterSettle", measureRates);
    startTail(document.querySelector("[data-tail]"));
    startLive(document.querySelector("[data-live]"));
  });

  // A stream's partitions: events a second between two refreshes of the table, from the end
  // offsets each refresh carries (data-end; lastEnds, above, keeps the previous ones).
  function measureRates() {
    var now = Date.now();
    document.querySelectorAll("tr[data-end]").forEach(function (row) {
      var partition = row.getAttribute("data-partition");
      var end = Number(row.getAttribute("data-end"));
      var before = lastEnds[partition];
      var cell = row.querySelector("[data-rate]");
      if (before && cell && now > before.at) {
        var rate = (end - before.end) / ((now - before.at) / 1000);
        cell.textContent = rate >= 0 ? (rate < 10 ? rate.toFixed(1) : Math.round(rate).toLocaleString("en")) : "–";
      }
      lastEnds[partition] = { end: end, at: now };
    });
  }

  // The live tail: an EventSource on the page's feed; each batch's events at the top of the
  // list (built as text nodes, never HTML), the latest 100 kept. Paused, batches are counted
  // and not shown. The server samples above the page's rate and says so.
  function startTail(tail) {
    if (!tail || !window.EventSource) return;
    var list = tail.querySelector("[data-tail-list]");
    var status = tail.querySelector("[data-tail-status]");
    var toggle = tail.querySelector("[data-tail-toggle]");
    var clear = tail.querySelector("[data-tail-clear]");
    var base = tail.getAttribute("data-events-base");
    var rate = tail.getAttribute("data-rate");
    var paused = false, missed = 0, shown = 0;
    var source = new EventSource(tail.getAttribute("data-tail"));
    source.addEventListener("open", function () { if (!paused) status.textContent = "Live: waiting for events…"; });
    source.addEventListener("error", function () { status.textContent = "Disconnected; reconnecting…"; });
    source.addEventListener("events", function (message) {
      var batch;
      try { batch = JSON.parse(message.data); } catch (e) { return; }
      if (paused) {
        missed += batch.matched;
        status.textContent = "Paused: " + missed + " matching events since.";
        return;
      }
      var fragment = document.createDocumentFragment();
      for (var i = batch.events.length - 1; i >= 0; i--) fragment.appendChild(eventItem(batch.events[i]));
      list.insertBefore(fragment, list.firstChild);
      while (list.children.length > 100) list.removeChild(list.lastChild);
      shown += batch.events.length;
      var text = "Live: " + shown + " shown.";
      if (batch.sampled) text += " Sampling: " + batch.matched + " matched in the last batch, at most " + rate + " a second are shown.";
      if (batch.skipped > 0) text += " " + batch.skipped + " events went by unread (faster than the tail reads).";
      status.textContent = text;
    });
    toggle.addEventListener("click", function () {
      paused = !paused;
      missed = 0;
      toggle.textContent = paused ? "Resume" : "Pause";
      toggle.setAttribute("aria-pressed", paused ? "true" : "false");
      status.textContent = paused ? "Paused." : "Live.";
    });
    clear.addEventListener("click", function () { list.textContent = ""; shown = 0; });

    function eventItem(event) {
      var item = document.createElement("li");
      item.className = "tail-event";
      var meta = document.createElement("div");
      meta.className = "meta";
      var link = document.createElement("a");
      link.href = base + "/" + event.partition + "/" + event.offset;
      link.textContent = event.partition + "/" + event.offset;
      var type = document.createElement("strong");
      type.textContent = event.type;
      meta.appendChild(type);
      meta.appendChild(document.createTextNode(" · " + (event.key || "no key") + " · " + event.occurredAt + " · "));
      meta.appendChild(link);
      var data = document.createElement("pre");
      data.className = "json";
      data.textContent = JSON.stringify(event.data, null, 2);
      item.appendChild(meta);
      item.appendChild(data);
      return item;
    }
  }

  // Analytics pages: the stream's live feed (one tick a second); when rollups change, the
  // element named by data-live-refresh is told to refresh (htmx fetches it again).
  function startLive(live) {
    if (!live || !window.EventSource || !window.htmx) return;
    var target = document.querySelector(live.getAttribute("data-live-refresh"));
    var status = live.querySelector("[data-live-status]");
    var source = new EventSource(live.getAttribute("data-live"));
    var pending = false;
    source.addEventListener("tick", function (message) {
      var tick;
      try { tick = JSON.parse(message.data); } catch (e) { return; }
      if (status) status.textContent = "Live: " + tick.ingested + " events in the last second, " + tick.stored + " stored.";
      if (tick.rollups.length > 0 && target && !pending) {
        pending = true;
        window.setTimeout(function () { pending = false; window.htmx.trigger(target, "refresh"); }, 2000);
      }
    });
    source.addEventListener("error", function () { if (status) status.textContent = "Disconnected; reconnecting…"; });
  }
})();
