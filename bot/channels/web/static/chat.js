// Manabi web chat: renders the assistant's messages (light markdown, buttons, cards) and sends
// what the person types. Everything is built with textContent: no HTML from the server is parsed.
"use strict";

(function () {
  const chat = document.getElementById("chat");
  const log = document.getElementById("log");
  const form = document.getElementById("composer");
  const input = document.getElementById("message");
  const counter = document.getElementById("counter");
  const send = document.getElementById("send");
  const typing = document.getElementById("typing");
  const maxChars = parseInt(chat.dataset.maxChars, 10) || 500;
  const headers = { "Content-Type": "application/json", "X-Manabi-Chat": "1" };
  let busy = false;
  let composing = false;

  const NOTICES = {
    empty: "メッセージが空のようです。知りたいことを入力してから送信してください。",
    long: "メッセージが長すぎます（" + maxChars + "文字まで）。要点を短くまとめて、分けて送ってください。",
    offline: "アシスタントに接続できませんでした。ネットワークを確認して、もう一度お試しください。",
  };

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // **bold** inside a line.
  function inline(parent, text) {
    const parts = text.split(/(\*\*[^*]+\*\*)/);
    for (const part of parts) {
      if (part.startsWith("**") && part.endsWith("**") && part.length > 4) {
        parent.appendChild(el("strong", null, part.slice(2, -2)));
      } else if (part) {
        parent.appendChild(document.createTextNode(part));
      }
    }
  }

  // Paragraphs per line; consecutive "- " / "1. " lines become a list.
  function markdown(text) {
    const box = document.createDocumentFragment();
    let list = null;
    for (const raw of text.replace(/\r\n/g, "\n").split("\n")) {
      const line = raw.trim();
      const item = line.match(/^(?:[-*+]|\d+[.)])\s+(.*)$/);
      if (item) {
        if (!list) { list = el("ul"); box.appendChild(list); }
        const li = el("li"); inline(li, item[1]); list.appendChild(li);
        continue;
      }
      list = null;
      if (line) { const p = el("p"); inline(p, line); box.appendChild(p); }
    }
    return box;
  }

  function buttonRow(buttons, className) {
    const row = el("div", className);
    for (const b of buttons) {
      const button = el("button", null, b.title);
      button.type = "button";
      button.addEventListener("click", () => sendMessage({ payload: b.payload, title: b.title }, b.title));
      row.appendChild(button);
    }
    return row;
  }

  function card(data) {
    const box = el("section", "card");
    if (data.title) box.appendChild(el("h2", null, data.title));
    if (data.subtitle) box.appendChild(el("p", "subtitle", data.subtitle));
    if (data.facts && data.facts.length) {
      const dl = el("dl");
      for (const [term, value] of data.facts) { dl.appendChild(el("dt", null, term)); dl.appendChild(el("dd", null, value)); }
      box.appendChild(dl);
    }
    for (const section of data.sections || []) {
      if (section.heading) box.appendChild(el("h3", null, section.heading));
      if (section.text) box.appendChild(markdown(section.text));
      if (section.items && section.items.length) {
        const ul = el("ul");
        for (const item of section.items) { const li = el("li"); inline(li, item); ul.appendChild(li); }
        box.appendChild(ul);
      }
    }
    if (data.note) { const note = el("p", "note"); inline(note, data.note); box.appendChild(note); }
    if (data.buttons && data.buttons.length) box.appendChild(buttonRow(data.buttons, "card-buttons"));
    return box;
  }

  async function postJson(url, body) {
    const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body), credentials: "same-origin" });
    const data = await response.json().catch(() => ({}));
    if (!response.ok && !data.messages) throw new Error(data.error || String(response.status));
    return data;
  }

  function rating(message, box) {
    const bar = el("div", "rate");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "この回答の評価");
    bar.appendChild(el("span", null, "この回答は役に立ちましたか？"));
    const status = el("span", "thanks");
    status.setAttribute("aria-live", "polite");
    const choices = {};
    for (const [value, label, name] of [["up", "👍", "役に立った"], ["down", "👎", "役に立たなかった"]]) {
      const button = el("button", null, label);
      button.type = "button";
      button.setAttribute("aria-label", name);
      button.setAttribute("aria-pressed", String(message.rating === value));
      button.dataset.rating = value;
      button.addEventListener("click", () => rate(value));
      choices[value] = button;
      bar.appendChild(button);
    }
    bar.appendChild(status);
    let commentForm = null;

    async function rate(value, comment) {
      const next = message.rating === value && comment === undefined ? null : value;
      try {
        const body = { answer_id: message.id, rating: next };
        if (comment !== undefined) body.comment = comment;
        const data = await postJson("/chat/api/feedback", body);
        message.rating = data.rating;
        for (const key in choices) choices[key].setAttribute("aria-pressed", String(data.rating === key));
        status.textContent = data.rating ? (comment ? "コメントをありがとうございます。" : "ご評価ありがとうございます。") : "評価を取り消しました。";
        if (data.rating === "down" && comment === undefined) showComment(); else if (commentForm) { commentForm.remove(); commentForm = null; }
      } catch (error) {
        status.textContent = "評価を送れませんでした。もう一度お試しください。";
      }
    }

    function showComment() {
      if (commentForm) return;
      commentForm = el("form", "comment");
      const id = "comment-" + message.id.replace(/[^A-Za-z0-9_-]/g, "_");
      const label = el("label", null, "よろしければ、どこが違ったか教えてください（任意、200文字まで）");
      label.htmlFor = id;
      const text = el("textarea");
      text.id = id; text.rows = 2; text.maxLength = 200;
      const submit = el("button", null, "コメントを送る");
      submit.type = "submit";
      commentForm.append(label, text, submit);
      commentForm.addEventListener("submit", (event) => { event.preventDefault(); rate("down", text.value.trim()); });
      bar.appendChild(commentForm);
      text.focus();
    }
    box.appendChild(bar);
  }

  function show(message) {
    const box = el("div", "msg " + (message.role === "user" ? "user" : "bot") + (message.notice ? " notice" : ""));
    box.appendChild(el("span", "who", message.role === "user" ? "あなた: " : "まなびアシスタント: "));
    if (message.role === "user") {
      box.appendChild(document.createTextNode(message.text));
    } else {
      // A card replaces its text (the text is what channels without cards show), as in Teams.
      if (message.card) box.appendChild(card(message.card));
      else if (message.text) box.appendChild(markdown(message.text));
      if (message.buttons && message.buttons.length) box.appendChild(buttonRow(message.buttons, "buttons"));
      if (message.id) rating(message, box);
    }
    if (message.id) box.dataset.answerId = message.id;
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
    return box;
  }

  function setBusy(value) {
    busy = value;
    typing.hidden = !value;
    send.disabled = value;
    log.setAttribute("aria-busy", String(value));
  }

  async function sendMessage(body, shownText) {
    if (busy) return;
    if (shownText) show({ role: "user", text: shownText });
    setBusy(true);
    try {
      const data = await postJson("/chat/api/message", body);
      for (const message of data.messages || []) show(message);
    } catch (error) {
      show({ role: "bot", notice: true, text: NOTICES.offline });
    } finally {
      setBusy(false);
    }
  }

  function updateCounter() {
    const length = [...input.value].length;
    counter.textContent = length + " / " + maxChars;
    counter.classList.toggle("over", length > maxChars);
    input.setAttribute("aria-invalid", String(length > maxChars));
  }

  function submitInput() {
    const text = input.value.trim();
    if (!text) { show({ role: "bot", notice: true, text: NOTICES.empty }); return; }
    if ([...text].length > maxChars) { show({ role: "bot", notice: true, text: NOTICES.long }); return; }
    input.value = "";
    updateCounter();
    sendMessage({ text }, text);
  }

  // Japanese input: Enter while the IME is composing confirms the conversion, it must not send.
  input.addEventListener("compositionstart", () => { composing = true; });
  input.addEventListener("compositionend", () => { composing = false; });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    if (event.isComposing || composing || event.keyCode === 229) return;
    if (event.shiftKey) return; // a new line
    event.preventDefault();
    if (!busy) submitInput();
  });
  input.addEventListener("input", updateCounter);
  form.addEventListener("submit", (event) => { event.preventDefault(); if (!busy) submitInput(); });

  async function start() {
    updateCounter();
    try {
      const response = await fetch("/chat/api/history", { headers, credentials: "same-origin" });
      const data = await response.json();
      for (const message of data.messages || []) show(message);
      // Messages Manabi sent while the page was closed are not a conversation: greet as on a first visit.
      if (!(data.messages || []).some((m) => !m.sent_first)) await sendMessage({ payload: "/greet" });
    } catch (error) {
      show({ role: "bot", notice: true, text: NOTICES.offline });
    }
    chat.dataset.ready = "true";
  }
  start();
})();
