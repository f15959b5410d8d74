/*! Comments and reviews widget. Embed:
 *   <div data-comments-for="ARTICLE_ID"></div>
 *   <a data-comments-count="ARTICLE_ID"></a>
 *   <script src="https://comments.example.org/embed.js" async></script>
 * No dependencies, no inline styles or eval: works under a strict Content-Security-Policy. */
(function () {
  "use strict";
  var me = document.currentScript || document.querySelector('script[src*="embed.js"]');
  if (!me || window.CommentsWidget) return;
  var API = new URL(".", me.src).href + "api/v1/";
  var ID = /^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$/;
  var PAGE = { comments: 20, reviews: 10 };
  var DEPTH = 4; // replies deeper than this are not indented further
  var LIMIT = { author: 80, email: 254, title: 120, body: 10000 };
  var T = {
    comments: "Comments", reviews: "Reviews",
    count0: "No comments yet", count1: "1 comment", countN: "{n} comments",
    reviews0: "No reviews yet", reviews1: "1 review", reviewsN: "{n} reviews",
    first: "No comments yet. Start the conversation.", firstReview: "No reviews yet.",
    more: "Load more comments", moreReviews: "More reviews", loading: "Loading…",
    reply: "Reply", cancel: "Cancel", replyTo: "Reply to {author}", inReplyTo: "replying to {author}",
    name: "Name", email: "Email (optional, never shown)", body: "Comment", reviewBody: "Review",
    title: "Title (optional)", rating: "Your rating", star: "{n} star", stars: "{n} stars",
    hint: "Simple formatting: <b>, <i>, links, quotes, lists.",
    post: "Post comment", postReply: "Post reply", postReview: "Post review", sending: "Sending…",
    writeReview: "Write a review", histogram: "Ratings by stars",
    average: "{avg} out of 5", outOf: "{n} out of 5 stars",
    thanks: "Thank you! Your comment awaits moderation and appears once a moderator approves it.",
    thanksReview: "Thank you! Your review awaits moderation and appears once a moderator approves it.",
    awaiting: "Awaiting moderation", published: "Published",
    thanksPublished: "Thank you! It is published.",
    required: "Please fill in this field.", tooLong: "Please use at most {n} characters.",
    badEmail: "Please enter an email address like name@example.org.", pickRating: "Please choose 1 to 5 stars.",
    fix: "Please correct the marked fields.",
    rateLimited: "You are posting faster than we can take it. Please wait a minute and send again; your text is still here.",
    rateLimitedLong: "You have posted a lot today. Please come back later; your text is still here.",
    network: "We could not reach the comment service. Please check your connection and send again; your text is still here.",
    failed: "Something went wrong on our side. Please try again in a moment; your text is still here.",
    report: "Report", reportAsk: "Report this to the moderators?", reportWhy: "Reason (optional)",
    reportSend: "Send report", reported: "Reported. Thank you; a moderator will take a look.",
    gone: "This entry is no longer published.",
    loadFailed: "Comments could not be loaded.", retry: "Try again", badId: "This page has no valid comment thread id."
  };
  var policy = null;
  try {
    if (window.trustedTypes) policy = trustedTypes.createPolicy("comments-widget", { createHTML: function (s) { return s; } });
  } catch (e) { /* the host's CSP names other policies: fall back below */ }
  var uid = 0;
  var CSS = "__CSS__";

  function texts() {
    var own = document.querySelector("script[type='application/json'][data-comments-texts]");
    var extra = window.CommentsWidgetTexts || {};
    try { if (own) extra = Object.assign({}, extra, JSON.parse(own.textContent)); } catch (e) { /* keep English */ }
    Object.keys(extra).forEach(function (k) { if (typeof extra[k] === "string") T[k] = extra[k]; });
  }
  function t(key, vars) {
    return T[key].replace(/\{(\w+)\}/g, function (m, k) { return vars && k in vars ? vars[k] : m; });
  }
  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v == null || v === false) return;
      if (k === "text") el.textContent = v;
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    });
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c == null || c === false) continue;
      el.append(c);
    }
    return el;
  }
  // The only place that inserts HTML: the server's sanitized body_html.
  function setBody(el, html) {
    try { el.innerHTML = policy ? policy.createHTML(html) : html; } catch (e) { el.textContent = html; }
  }
  function len(s) { return Array.from(s).length; }
  function plural(n, zero, one, many, lang) {
    return n === 0 ? t(zero) : n === 1 ? t(one) : t(many, { n: n.toLocaleString(lang) });
  }
  function getJSON(path) {
    return fetch(API + path, { cache: "no-cache", credentials: "omit" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    });
  }
  function articlePath(id) { return "articles/" + encodeURIComponent(id) + "/"; }

  function ago(iso, lang) {
    var s = (new Date(iso).getTime() - Date.now()) / 1000;
    var units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
    var rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
    for (var i = 0; i < units.length; i++) {
      if (Math.abs(s) >= units[i][1]) return rtf.format(Math.round(s / units[i][1]), units[i][0]);
    }
    return rtf.format(0, "second");
  }
  function time(iso, lang) {
    var exact = new Date(iso).toLocaleString(lang, { dateStyle: "full", timeStyle: "short" });
    return h("time", { datetime: iso, title: exact, text: ago(iso, lang) });
  }
  function starRow(value, label) {
    var back = h("span", { class: "sb", "aria-hidden": "true", text: "★★★★★" });
    var front = h("span", { class: "sf", "aria-hidden": "true", text: "★★★★★" });
    front.style.width = (value / 5) * 100 + "%";
    return h("span", { class: "stars", role: "img", "aria-label": label }, back, front);
  }
  function avatar(name) {
    var a = h("span", { class: "av", "aria-hidden": "true", text: (Array.from(name)[0] || "?").toUpperCase() });
    var hue = 0;
    for (var i = 0; i < name.length; i++) hue = (hue * 31 + name.charCodeAt(i)) % 360;
    a.style.backgroundColor = "hsl(" + hue + " 45% 42%)";
    return a;
  }

  /* ---------- forms ---------- */
  function field(name, label, opts) {
    var id = "f" + ++uid, err = id + "e";
    var control = h(opts.area ? "textarea" : "input", {
      id: id, name: name, type: opts.area ? null : opts.type || "text", rows: opts.area ? 4 : null,
      autocomplete: opts.auto || "off", required: !!opts.required, "aria-required": opts.required ? "true" : null,
      maxlength: opts.area ? null : LIMIT[name], "aria-describedby": err + (opts.hint ? " " + id + "h" : ""),
      spellcheck: opts.area ? "true" : null
    });
    return h("div", { class: "field" },
      h("label", { for: id, text: label }),
      control,
      opts.hint ? h("p", { class: "hint", id: id + "h", text: opts.hint }) : null,
      h("p", { class: "err", id: err }));
  }
  function honeypot() {
    return h("div", { class: "hp", "aria-hidden": "true" },
      h("label", { text: "Website" }, h("input", { name: "website", tabindex: "-1", autocomplete: "off" })));
  }
  function starInput() {
    var group = h("span", { class: "si" }), errId = "f" + ++uid + "e";
    var box = h("fieldset", { class: "rate" }, h("legend", { text: t("rating") }), group, h("p", { class: "err", id: errId }));
    for (var n = 1; n <= 5; n++) {
      var id = "f" + ++uid;
      group.append(
        h("input", { type: "radio", name: "rating", value: n, id: id, class: "sr", required: n === 1, "aria-describedby": errId }),
        h("label", { for: id, title: t(n === 1 ? "star" : "stars", { n: n }) },
          h("span", { "aria-hidden": "true", text: "★" }), h("span", { class: "sr", text: t(n === 1 ? "star" : "stars", { n: n }) })));
    }
    group.addEventListener("change", function () { paintStars(group); });
    return box;
  }
  function paintStars(group) {
    var checked = group.querySelector("input:checked"), v = checked ? +checked.value : 0;
    group.querySelectorAll("label").forEach(function (l, i) { l.classList.toggle("on", i < v); });
  }
  function markError(form, name, message) {
    var control = form.elements[name];
    if (!control || name === "website") return false;
    var box = control.length ? control[0].closest("fieldset") : control.closest(".field");
    box.querySelector(".err").textContent = message;
    (control.length ? Array.from(control) : [control]).forEach(function (c) { c.setAttribute("aria-invalid", "true"); });
    return true;
  }
  function clearErrors(form) {
    form.querySelectorAll(".err").forEach(function (e) { e.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
  }
  function firstInvalid(form) {
    var c = form.querySelector("[aria-invalid]");
    if (c) c.focus();
  }
  function validate(form) {
    var bad = {}, el = form.elements;
    ["author", "body", "title", "email"].forEach(function (name) {
      var c = el[name];
      if (!c) return;
      var v = c.value.trim();
      if (c.required && !v) bad[name] = t("required");
      else if (len(v) > LIMIT[name]) bad[name] = t("tooLong", { n: LIMIT[name].toLocaleString() });
      else if (name === "email" && v && c.validity.typeMismatch) bad.email = t("badEmail");
    });
    if (el.rating && !form.querySelector("input[name=rating]:checked")) bad.rating = t("pickRating");
    return bad;
  }
  function payload(form) {
    var data = {}, el = form.elements;
    ["author", "body", "title", "email"].forEach(function (name) {
      if (el[name] && el[name].value.trim()) data[name] = el[name].value.trim();
    });
    if (el.rating) data.rating = +form.querySelector("input[name=rating]:checked").value;
    if (el.parent_id) data.parent_id = +el.parent_id.value;
    if (el.website.value) data.website = el.website.value; // the honeypot, only when a bot filled it
    return data;
  }
  function submitter(path, onDone) {
    return function (ev) {
      ev.preventDefault();
      var form = ev.currentTarget, status = form.querySelector(".status"), button = form.querySelector("[type=submit]");
      if (button.disabled) return;
      clearErrors(form);
      status.className = "status";
      var bad = validate(form);
      if (Object.keys(bad).length) {
        Object.keys(bad).forEach(function (k) { markError(form, k, bad[k]); });
        status.textContent = t("fix");
        status.className = "status bad";
        return firstInvalid(form);
      }
      var label = button.textContent;
      button.disabled = true;
      button.textContent = t("sending");
      status.textContent = "";
      fetch(API + path, {
        method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload(form))
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (r.status === 202) return onDone(form, data);
          var error = data.error || {}, other = [];
          if (error.fields) {
            Object.keys(error.fields).forEach(function (k) {
              if (!markError(form, k, error.fields[k])) other.push(error.fields[k]);
            });
          }
          status.className = "status bad";
          status.textContent = r.status === 429 ? t("rateLimited") : r.status >= 500 ? t("failed")
            : r.status === 422 ? (other.length ? other.join(" ") : t("fix")) : error.message || t("failed");
          if (r.status === 429 && +r.headers.get("Retry-After") > 90) status.textContent = t("rateLimitedLong");
          firstInvalid(form);
        });
      }, function () {
        status.className = "status bad";
        status.textContent = t("network");
      }).finally(function () {
        button.disabled = false;
        button.textContent = label;
      });
    };
  }

  /* ---------- one widget ---------- */
  function Widget(host) {
    this.id = host.getAttribute("data-comments-for");
    this.lang = host.getAttribute("data-comments-lang") || document.documentElement.lang || navigator.language;
    var root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets && window.CSSStyleSheet && "replaceSync" in CSSStyleSheet.prototype) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.append(h("style", { text: CSS }));
    }
    this.el = h("div", { class: "cw", lang: this.lang });
    this.live = h("p", { class: "sr", role: "status", "aria-live": "polite" });
    root.append(this.el);
    this.el.append(this.live);
    if (!ID.test(this.id || "")) {
      this.el.append(h("p", { class: "status bad", text: t("badId") }));
      return;
    }
    this.build();
    this.load();
  }
  Widget.prototype.build = function () {
    var w = this, show = (w.el.getRootNode().host.getAttribute("data-comments-show") || "comments reviews");
    w.count = h("span", { class: "n" });
    w.thread = h("ol", { class: "thread" });
    w.mine = h("ol", { class: "thread mine" });
    w.more = h("button", { type: "button", class: "link more", hidden: true, text: t("more"), onclick: function () { w.loadComments(); } });
    w.form = w.commentForm(null);
    if (show.indexOf("comments") >= 0) {
      w.el.append(h("section", { class: "part comments", "aria-label": t("comments") },
        h("h2", {}, t("comments"), " ", w.count), w.form, w.mine, w.thread, w.more));
    }
    w.summary = h("div", { class: "summary" });
    w.reviews = h("ol", { class: "reviews" });
    w.moreR = h("button", { type: "button", class: "link more", hidden: true, text: t("moreReviews"), onclick: function () { w.loadReviews(); } });
    if (show.indexOf("reviews") >= 0) {
      w.el.append(h("section", { class: "part", "aria-label": t("reviews") },
        h("h2", { text: t("reviews") }), w.summary, w.reviews, w.moreR,
        h("details", { class: "write" }, h("summary", { text: t("writeReview") }), w.reviewForm())));
    }
    setInterval(function () {
      w.el.querySelectorAll("time[datetime]").forEach(function (el) { el.textContent = ago(el.getAttribute("datetime"), w.lang); });
    }, 60000);
  };
  Widget.prototype.load = function () {
    this.cursor = this.rcursor = undefined;
    this.thread.textContent = this.reviews.textContent = "";
    this.loadComments();
    this.loadReviews();
  };
  Widget.prototype.failed = function (list, retry) {
    var w = this, box = h("li", { class: "status bad" }, t("loadFailed"), " ",
      h("button", { type: "button", class: "link", text: t("retry"), onclick: function () { box.remove(); retry.call(w); } }));
    list.append(box);
  };
  Widget.prototype.loadComments = function () {
    var w = this, q = "comments?limit=" + PAGE.comments + (w.cursor ? "&cursor=" + encodeURIComponent(w.cursor) : "");
    w.more.disabled = true;
    w.thread.setAttribute("aria-busy", "true");
    getJSON(articlePath(w.id) + q).then(function (page) {
      page.items.forEach(function (c) { w.thread.append(w.comment(c, 0, null)); });
      if (!page.items.length && !w.cursor) w.thread.append(h("li", { class: "empty", text: t("first") }));
      w.cursor = page.next_cursor;
      w.more.hidden = !w.cursor;
    }, function () { w.failed(w.thread, w.loadComments); }).finally(function () {
      w.more.disabled = false;
      w.thread.removeAttribute("aria-busy");
    });
  };
  Widget.prototype.loadReviews = function () {
    var w = this, q = "reviews?limit=" + PAGE.reviews + (w.rcursor ? "&cursor=" + encodeURIComponent(w.rcursor) : "");
    w.moreR.disabled = true;
    getJSON(articlePath(w.id) + q).then(function (page) {
      if (!w.rcursor) w.showSummary(page.summary);
      page.items.forEach(function (r) { w.reviews.append(w.review(r)); });
      if (!page.items.length && !w.rcursor) w.reviews.append(h("li", { class: "empty", text: t("firstReview") }));
      w.rcursor = page.next_cursor;
      w.moreR.hidden = !w.rcursor;
    }, function () { w.failed(w.reviews, w.loadReviews); }).finally(function () { w.moreR.disabled = false; });
  };
  Widget.prototype.setCount = function (counts) {
    this.count.textContent = counts.comments ? "(" + counts.comments.toLocaleString(this.lang) + ")" : "";
  };
  Widget.prototype.showSummary = function (s) {
    var lang = this.lang, max = 0, rows = h("ul", { class: "histo", "aria-label": t("histogram") });
    this.summary.textContent = "";
    this.summary.hidden = !s.count;
    for (var k = 1; k <= 5; k++) max = Math.max(max, s.histogram[k] || 0);
    for (var n = 5; n >= 1; n--) {
      var c = s.histogram[n] || 0, fill = h("span");
      fill.style.width = (max ? (c / max) * 100 : 0) + "%";
      rows.append(h("li", { "data-stars": n },
        h("span", { class: "hl" }, String(n), h("span", { "aria-hidden": "true", text: " ★" }),
          h("span", { class: "sr", text: " " + t(n === 1 ? "star" : "stars", { n: "" }).trim() + ":" })),
        h("span", { class: "bar", "aria-hidden": "true" }, fill),
        h("span", { class: "hc", text: c.toLocaleString(lang) })));
    }
    var avg = s.average == null ? null : s.average.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    this.summary.append(h("div", { class: "avg" },
      h("strong", { class: "big", text: avg }),
      starRow(s.average || 0, t("average", { avg: avg })),
      h("span", { class: "muted", text: plural(s.count, "reviews0", "reviews1", "reviewsN", lang) })), rows);
  };
  Widget.prototype.meta = function (item) {
    return h("header", { class: "meta" }, avatar(item.author),
      h("span", { class: "who", text: item.author }), h("span", { class: "muted" }, time(item.created_at, this.lang)));
  };
  Widget.prototype.comment = function (c, depth, parent) {
    var w = this, body = h("div", { class: "body" }), replies = h("ol", { class: depth + 1 >= DEPTH ? "replies flat" : "replies" });
    setBody(body, c.body_html);
    var li = h("li", { class: "c", "data-id": c.id });
    var reply = h("button", { type: "button", class: "link", "aria-expanded": "false", text: t("reply") });
    var art = h("article", { "aria-label": c.author },
      w.meta(c), depth >= DEPTH && parent ? h("p", { class: "muted ctx", text: "↪ " + t("inReplyTo", { author: parent }) }) : null,
      body, h("div", { class: "acts" }, reply, w.reporter(c.id)));
    reply.addEventListener("click", function () { w.openReply(c, li, replies, reply); });
    li.append(art, replies);
    (c.replies || []).forEach(function (r) { replies.append(w.comment(r, depth + 1, c.author)); });
    return li;
  };
  Widget.prototype.openReply = function (c, li, replies, button) {
    var w = this;
    if (w.replyForm) w.replyForm.cancel();
    var form = w.commentForm(c, replies);
    var close = function () {
      form.remove();
      button.setAttribute("aria-expanded", "false");
      w.replyForm = null;
    };
    form.cancel = close;
    form.elements.author.value = w.form.elements.author.value;
    form.elements.email.value = w.form.elements.email.value;
    form.querySelector(".fa").append(h("button", { type: "button", class: "link", text: t("cancel"), onclick: function () { close(); button.focus(); } }));
    li.insertBefore(form, replies);
    button.setAttribute("aria-expanded", "true");
    w.replyForm = form;
    (form.elements.author.value ? form.elements.body : form.elements.author).focus();
  };
  Widget.prototype.pending = function (data, list, form, message) {
    var live = data.status === "approved"; // post-moderation or a trusted author
    if (live && message) message = t("thanksPublished");
    var body = h("div", { class: "body" });
    setBody(body, data.body_html);
    var item = h("li", { class: "c pending", "data-id": data.id, tabindex: "-1" },
      h("article", {}, this.meta(data), data.rating ? starRow(data.rating, t("outOf", { n: data.rating })) : null,
        data.title ? h("h3", { text: data.title }) : null, body, h("p", { class: "badge", text: t(live ? "published" : "awaiting") })));
    list.append(item);
    form.reset();
    if (form.querySelector(".si")) paintStars(form.querySelector(".si"));
    var status = form.querySelector(".status");
    status.className = "status ok";
    status.textContent = message;
    return item;
  };
  Widget.prototype.commentForm = function (parent, replies) {
    var w = this;
    var done = function (form, data) {
      if (!parent) return w.pending(data, w.mine, form, t("thanks"));
      var name = form.elements.author.value;
      form.cancel();
      w.pending(data, replies, form, "").focus();
      w.live.textContent = t("thanks");
      w.form.elements.author.value = w.form.elements.author.value || name;
    };
    return h("form", { class: "form", novalidate: true, "aria-label": parent ? t("replyTo", { author: parent.author }) : t("comments"),
      onsubmit: submitter(articlePath(w.id) + "comments", done) },
      h("div", { class: "two" }, field("author", t("name"), { required: true, auto: "name" }),
        field("email", t("email"), { type: "email", auto: "email" })),
      field("body", t("body"), { area: true, required: true, hint: t("hint") }),
      parent ? h("input", { type: "hidden", name: "parent_id", value: parent.id }) : null,
      honeypot(),
      h("div", { class: "fa" }, h("button", { type: "submit", class: "btn", text: t(parent ? "postReply" : "post") })),
      h("p", { class: "status", role: "status", "aria-live": "polite" }));
  };
  Widget.prototype.reviewForm = function () {
    var w = this, mine = h("ol", { class: "reviews mine" });
    var form = h("form", { class: "form", novalidate: true, "aria-label": t("writeReview"),
      onsubmit: submitter(articlePath(w.id) + "reviews", function (f, data) { w.pending(data, mine, f, t("thanksReview")); }) },
      starInput(),
      h("div", { class: "two" }, field("author", t("name"), { required: true, auto: "name" }),
        field("email", t("email"), { type: "email", auto: "email" })),
      field("title", t("title"), {}),
      field("body", t("reviewBody"), { area: true, required: true, hint: t("hint") }),
      honeypot(),
      h("div", { class: "fa" }, h("button", { type: "submit", class: "btn", text: t("postReview") })),
      h("p", { class: "status", role: "status", "aria-live": "polite" }));
    return h("div", {}, form, mine);
  };
  Widget.prototype.review = function (r) {
    var body = h("div", { class: "body" });
    setBody(body, r.body_html);
    return h("li", { class: "r", "data-id": r.id }, h("article", { "aria-label": r.author },
      starRow(r.rating, t("outOf", { n: r.rating })), r.title ? h("h3", { text: r.title }) : null,
      this.meta(r), body, h("div", { class: "acts" }, this.reporter(r.id))));
  };
  // "Report" opens a one-line form: an optional reason, then one POST.
  Widget.prototype.reporter = function (id) {
    var box = h("span", { class: "rep" }), note = h("span", { class: "status bad", role: "status" });
    var open = h("button", { type: "button", class: "link quiet", "aria-expanded": "false", text: t("report") });
    var why = h("input", { name: "reason", maxlength: 500, autocomplete: "off", "aria-label": t("reportWhy"), placeholder: t("reportWhy") });
    var form = h("form", { class: "rf", hidden: true, "aria-label": t("reportAsk") },
      h("span", { text: t("reportAsk") }), why, h("button", { type: "submit", class: "link", text: t("reportSend") }),
      h("button", { type: "button", class: "link quiet", text: t("cancel"), onclick: function () { toggle(false); } }), note);
    function toggle(on) {
      form.hidden = !on;
      open.setAttribute("aria-expanded", String(on));
      (on ? why : open).focus();
    }
    open.addEventListener("click", function () { toggle(form.hidden); });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = why.value.trim() ? { reason: why.value.trim() } : {};
      fetch(API + "entries/" + id + "/reports", {
        method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
      }).then(function (r) {
        var msg = r.status === 202 ? t("reported") : r.status === 404 ? t("gone") : r.status === 429 ? t("rateLimited") : t("failed");
        if (r.status === 202 || r.status === 404) box.replaceChildren(h("span", { class: "muted", role: "status", text: msg }));
        else note.textContent = msg;
      }, function () { note.textContent = t("network"); });
    });
    box.append(open, form);
    return box;
  };

  /* ---------- badges and start-up ---------- */
  var widgets = [];
  function counts(extra) {
    var badges = Array.from(document.querySelectorAll("[data-comments-count]"));
    var ids = [];
    badges.map(function (b) { return b.getAttribute("data-comments-count"); }).concat(extra).forEach(function (id) {
      if (ID.test(id) && ids.indexOf(id) < 0) ids.push(id);
    });
    for (var i = 0; i < ids.length; i += 100) {
      var q = ids.slice(i, i + 100).map(function (id) { return "article_id=" + encodeURIComponent(id); }).join("&");
      getJSON("counts?" + q).then(function (data) {
        badges.forEach(function (b) {
          var c = data.counts[b.getAttribute("data-comments-count")];
          if (c) b.textContent = plural(c.comments, "count0", "count1", "countN", document.documentElement.lang || undefined);
        });
        widgets.forEach(function (w) { if (data.counts[w.id]) w.setCount(data.counts[w.id]); });
      }, function () { /* badges keep the host's own text */ });
    }
  }
  function start() {
    texts();
    var fresh = [];
    document.querySelectorAll("[data-comments-for]").forEach(function (host) {
      if (host.shadowRoot) return;
      var w = new Widget(host);
      widgets.push(w);
      fresh.push(w.id);
    });
    counts(fresh);
  }
  window.CommentsWidget = { refresh: start, version: "1" };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
