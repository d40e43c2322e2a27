// The counter console: long-polls /counter/state and posts the window's actions. Texts come from the server's
// data or the bilingual labels here; nothing is inserted as HTML.
"use strict";
(function () {
  const enFirst = new URLSearchParams(location.search).get("lang") === "en";
  const $ = (id) => document.getElementById(id);
  let state = null;
  let revealed = null; // {ticket_id, parties} after an audited reveal; dropped when the ticket leaves

  const TEXT = {
    face: ["人脸核验", "face"], fingerprint: ["指纹核验", "fingerprint"], staff: ["身份待人工核验", "to be checked at the counter"],
    "": ["身份待人工核验", "to be checked at the counter"],
    booked: ["预约", "booked"], walk_in: ["现场", "walk-in"],
    called: ["已叫号", "called"], serving: ["办理中", "serving"], paused: ["暂停", "paused"], idle: ["空闲", "free"],
    offline: ["离线取号：请核对号码", "Offline ticket: check the number"],
    booking_unconfirmed: ["预约未能核对，按现场号排队", "Booking not confirmed: queued as a walk-in"],
    superseded: ["此预约有一张已作废的号票（离线补号取代）", "An earlier ticket of this booking was voided (superseded)"],
    accept: ["可以办理", "may be served"], redirect: ["应到其他登记处", "belongs at another office"],
    refuse: ["不予办理", "refused"],
    open: ["待处理", "open"], acknowledged: ["已响应", "acknowledged"],
    minutes: ["分钟", "min"], waited: ["已等", "waited"], recalls: ["重呼次数", "recalls"],
    left: ["今日现场号余量", "Walk-in tickets left today"], waiting: ["等候", "waiting"],
    link_down: ["与服务器的连接中断，正在重试…", "Connection to the server lost; retrying…"],
    to_window: ["转至窗口", "for window"], score: ["分数", "score"],
  };
  TEXT.staff_decision = ["需工作人员判断", "needs a registrar's decision"];

  function bi(zh, en) {
    return enFirst ? en + " " + zh : zh + " " + en;
  }
  function tr(key) {
    const pair = TEXT[key] || [key, key];
    return bi(pair[0], pair[1]);
  }
  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }
  function swapLanguages(root) {
    if (!enFirst) return;
    root.querySelectorAll('span[lang="en"]').forEach((en) => {
      const zh = en.previousElementSibling;
      if (zh && zh.getAttribute("lang") === "zh") {
          en.parentNode.insertBefore(en, zh);
          en.after(document.createTextNode(" "));
        }
    });
    document.documentElement.lang = "en";
  }

  async function post(path, body) {
    const answer = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    const data = await answer.json().catch(() => ({}));
    if (!answer.ok) {
      const m = data.message || {};
      $("message").textContent = bi(m.zh || data.error || "错误", m.en || data.error || "Error");
      return null;
    }
    $("message").textContent = "";
    return data;
  }

  async function act(action) {
    const body = {};
    const ticket = state && state.at_window;
    if (ticket && action !== "next" && action !== "pause" && action !== "resume") body.ticket_id = ticket.ticket_id;
    if (action === "next") body.business = $("business-choice").value;
    if (action === "transfer") {
      body.business = $("transfer-business").value;
      body.window = $("transfer-window").value;
    }
    const answer = await post("/counter/api/" + action, body);
    if (answer && action === "reveal") {
      revealed = answer;
      render();
    }
  }

  function fillSelect(select, items, keep) {
    const before = select.value;
    while (select.options.length > 1) select.remove(1);
    items.forEach(([value, label]) => {
      const o = el("option", label);
      o.value = value;
      select.appendChild(o);
    });
    select.value = keep ? before : "";
    if (select.value !== before && keep) select.value = "";
  }

  function renderTicket(t) {
    $("ticket").hidden = !t;
    $("idle-window").hidden = !!t;
    document.querySelector('[data-action="next"]').disabled = !!t || state.window.paused;
    document.querySelector('[data-action="pause"]').hidden = state.window.paused;
    document.querySelector('[data-action="resume"]').hidden = !state.window.paused;
    if (!t) {
      revealed = null;
      return;
    }
    if (revealed && revealed.ticket_id !== t.ticket_id) revealed = null;
    $("t-number").textContent = t.number;
    $("t-business").textContent = bi(t.business_name.zh, t.business_name.en);
    const meta = [tr(t.status), tr(t.priority)];
    if (t.waited_min !== null) meta.push(tr("waited") + " " + t.waited_min + " " + tr("minutes"));
    meta.push(tr("recalls") + " " + t.recalls);
    $("t-meta").textContent = meta.join(" · ");
    const warnings = $("t-warnings");
    warnings.replaceChildren(...t.warnings.map((w) => el("li", tr(w))));
    document.querySelector('[data-action="recall"]').disabled = t.status !== "called";
    document.querySelector('[data-action="start"]').disabled = t.status !== "called";
    document.querySelector('[data-action="no_show"]').disabled = !t.no_show_allowed;
    const parties = revealed ? revealed.parties : t.parties;
    const rows = parties.map((p) => {
      const tr_ = el("tr");
      tr_.appendChild(el("td", p.name || "—"));
      tr_.appendChild(el("td", p.id_number));
      let check = tr(p.verified_by || "");
      if (p.score !== null && p.score !== undefined && !p.staff_check) check += " (" + tr("score") + " " + p.score + ")";
      tr_.appendChild(el("td", check, p.staff_check ? "staff-check" : "verified"));
      return tr_;
    });
    $("parties").tBodies[0].replaceChildren(...rows);
    document.querySelector('[data-action="reveal"]').disabled = !!revealed;
    const box = $("eligibility");
    box.replaceChildren();
    if (!t.eligibility) {
      box.appendChild(el("p", bi("自助机未作资格判断（预约或离线取号）", "No decision from the kiosk (booked or offline)")));
    } else {
      const e = t.eligibility;
      box.appendChild(el("p", tr(e.decision === "staff" ? "staff_decision" : e.decision), "decision-" + e.decision));
      const list = el("ul");
      e.reasons.forEach((r) => list.appendChild(el("li", bi(r.zh, r.en))));
      e.clauses.forEach((c) => list.appendChild(el("li", c, "clause")));
      box.appendChild(list);
    }
  }

  function renderCalls(calls) {
    $("no-calls").hidden = calls.length > 0;
    $("calls").replaceChildren(
      ...calls.map((c) => {
        const li = el("li", undefined, "call-" + c.status);
        const business = c.business_name ? bi(c.business_name.zh, c.business_name.en) : "";
        const what = [c.kiosk_id, c.screen, business, c.called_at.slice(11, 16), tr(c.status)];
        if (c.counter) what.push(c.counter);
        li.appendChild(el("span", what.filter(Boolean).join(" · ")));
        const ack = el("button");
        ack.type = "button";
        ack.appendChild(el("span", "我来处理"));
        ack.appendChild(document.createTextNode(" "));
        ack.appendChild(el("span", "Acknowledge"));
        ack.disabled = c.status !== "open";
        ack.addEventListener("click", () => post("/counter/calls/" + c.call_id + "/acknowledge"));
        const close = el("button");
        close.type = "button";
        close.textContent = bi("已处理", "Close");
        close.addEventListener("click", () => post("/counter/calls/" + c.call_id + "/close"));
        li.appendChild(ack);
        li.appendChild(close);
        return li;
      })
    );
  }

  function renderQueues(s) {
    $("quota").textContent = tr("left") + ": " + s.walk_in_left + " / " + s.walk_in_quota;
    $("queues").replaceChildren(
      ...s.queues.map((q) => {
        const box = el("div", undefined, "queue");
        box.appendChild(el("h3", bi(q.name.zh, q.name.en) + " — " + tr("waiting") + " " + q.waiting));
        const list = el("ol");
        q.tickets.forEach((t) => {
          let text = t.number + " · " + tr(t.priority) + " · " + t.waited_min + " " + tr("minutes");
          if (t.to_window) text += " · " + tr("to_window") + " " + t.to_window;
          list.appendChild(el("li", text, t.priority));
        });
        box.appendChild(list);
        return box;
      })
    );
    $("windows").tBodies[0].replaceChildren(
      ...s.windows.map((w) => {
        const row = el("tr");
        row.appendChild(el("td", w.label));
        row.appendChild(el("td", w.serving || "—"));
        row.appendChild(el("td", tr(w.paused ? "paused" : w.status || "idle")));
        return row;
      })
    );
  }

  function render() {
    const s = state;
    $("office").textContent = bi(s.office.name.zh, s.office.name.en);
    const names = s.businesses.map((b) => [b.business, bi(b.name.zh, b.name.en)]);
    if ($("business-choice").options.length !== names.length + 1) {
      fillSelect($("business-choice"), names, true);
      fillSelect($("transfer-business"), names, false);
    }
    const others = s.windows.filter((w) => w.window !== s.window.window).map((w) => [w.window, w.label]);
    if ($("transfer-window").options.length !== others.length + 1) fillSelect($("transfer-window"), others, true);
    renderTicket(s.at_window);
    renderCalls(s.calls);
    renderQueues(s);
    document.body.dataset.version = s.version;
  }

  async function follow() {
    let since = null;
    for (;;) {
      try {
        const answer = await fetch("/counter/state" + (since === null ? "" : "?since=" + since), { cache: "no-store" });
        if (!answer.ok) throw new Error(String(answer.status));
        state = await answer.json();
        since = state.version;
        $("link").textContent = "";
        render();
      } catch (err) {
        $("link").textContent = tr("link_down");
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    swapLanguages(document);
    const toggle = $("lang-toggle");
    toggle.textContent = enFirst ? "中文在前" : "English first";
    toggle.addEventListener("click", () => {
      location.search = enFirst ? "" : "?lang=en";
    });
    document.querySelectorAll("button[data-action]").forEach((b) => b.addEventListener("click", () => act(b.dataset.action)));
    follow();
  });
})();
