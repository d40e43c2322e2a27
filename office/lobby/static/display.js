// The waiting-room display: long-polls /display/state, shows each call as number → window, and says every new
// call and recall, Mandarin then English, from the server's voice segments. Nothing is inserted as HTML.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const enFirst = new URLSearchParams(location.search).get("lang") === "en";
  const windowText = (w) => (enFirst ? "Window " + w + " · " + w + " 号窗口" : w + " 号窗口 Window " + w);
  let spokenUpTo = null; // calls up to this seq were on screen before this page opened: not said again
  const queue = []; // segment URLs waiting to be played
  let playing = false;
  let blocked = false; // the browser wants a touch before it plays sound
  const player = new Audio();

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function playNext() {
    if (playing || blocked || queue.length === 0) return;
    const item = queue.shift();
    playing = true;
    player.src = item.url;
    player.play().then(
      () => {},
      (err) => {
        playing = false;
        if (err && err.name === "NotAllowedError") {
          blocked = true;
          queue.unshift(item);
          $("sound").hidden = false;
        } else {
          playNext(); // a missing segment: say the rest
        }
      }
    );
    player.onended = () => {
      playing = false;
      if (item.last) {
        const said = document.body.dataset.spoken ? document.body.dataset.spoken.split(",") : [];
        said.push(item.last);
        document.body.dataset.spoken = said.join(",");
      }
      playNext();
    };
  }

  function announce(call) {
    ["zh", "en"].forEach((lang) => {
      const parts = call.say[lang];
      parts.forEach((name, i) => {
        const last = lang === "en" && i === parts.length - 1 ? call.number + "@" + call.window : null;
        queue.push({ url: "/display/voice/" + lang + "/" + name + ".wav", last: last });
      });
    });
    playNext();
  }

  function render(s) {
    const calls = s.calls;
    const top = calls[0];
    $("current-number").textContent = top ? top.number : "—";
    $("current-window").textContent = top ? windowText(top.window) : "";
    $("now").classList.remove("flash");
    if (top && spokenUpTo !== null && top.seq > spokenUpTo) {
      void $("now").offsetWidth; // restart the animation
      $("now").classList.add("flash");
    }
    $("calls").replaceChildren(
      ...calls.slice(1).map((c) => {
        const li = el("li");
        li.appendChild(el("span", c.number, "number"));
        li.appendChild(el("span", "→", "arrow"));
        li.appendChild(el("span", windowText(c.window), "window"));
        return li;
      })
    );
    $("counts").replaceChildren(
      ...s.waiting.map((w) => {
        const li = el("li");
        li.appendChild(el("span", enFirst ? w.name.en + " " + w.name.zh : w.name.zh + " " + w.name.en, "business"));
        li.appendChild(el("span", String(w.count), "count"));
        return li;
      })
    );
    const newest = calls.reduce((m, c) => Math.max(m, c.seq), 0);
    if (spokenUpTo === null) {
      spokenUpTo = newest;
    } else {
      calls
        .filter((c) => c.seq > spokenUpTo)
        .sort((a, b) => a.seq - b.seq)
        .forEach(announce);
      spokenUpTo = Math.max(spokenUpTo, newest);
    }
    $("clock").textContent = s.time;
    document.body.dataset.version = s.version;
  }

  async function follow() {
    let since = null;
    for (;;) {
      try {
        const answer = await fetch("/display/state" + (since === null ? "" : "?since=" + since), { cache: "no-store" });
        if (!answer.ok) throw new Error(String(answer.status));
        const s = await answer.json();
        since = s.version;
        $("link").textContent = "";
        render(s);
      } catch (err) {
        $("link").textContent = "连接中断，正在重试… Connection lost, retrying…";
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (enFirst) {
      document.querySelectorAll('span[lang="en"]').forEach((en) => {
        const zh = en.previousElementSibling;
        if (zh && zh.getAttribute("lang") === "zh") {
          en.parentNode.insertBefore(en, zh);
          en.after(document.createTextNode(" "));
        }
      });
      document.documentElement.lang = "en";
    }
    $("sound").addEventListener("click", () => {
      blocked = false;
      $("sound").hidden = true;
      playNext();
    });
    follow();
  });
})();
