/*! Comments and reviews widget. Embed:
 *   <div data-comments-for="ARTICLE_ID"></div>
 *   <a data-comments-count="ARTICLE_ID"></a>
 *   <script src="https://comments.example.org/embed.js" async></script>
 * Another site: data-comments-site="SITE" on the script or a container.
 * No dependencies, no inline styles or eval: works under a strict Content-Security-Policy. */
(function () {
  "use strict";
  var me = document.currentScript || document.querySelector('script[src*="embed.js"]');
  if (!me || window.CommentsWidget) return;
  var API = new URL(".", me.src).href + "api/v1/";
  var ID = /^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$/;
  var PAGE_SITE = me.getAttribute("data-comments-site") || "";
  var PAGE = { comments: 20, reviews: 10 };
  var DEPTH = 4; // replies deeper than this are not indented further
  var LIMIT = { author: 80, email: 254, title: 120, body: 10000 };
  // English texts; LANGS below has the other languages. A plural text is an object of
  // Intl.PluralRules categories ({one, few, many, other}); "{n}" is the number.
  var EN = {
    comments: "Comments", reviews: "Reviews",
    count0: "No comments yet", count: { one: "{n} comment", other: "{n} comments" },
    reviews0: "No reviews yet", reviewsCount: { one: "{n} review", other: "{n} reviews" },
    first: "No comments yet. Start the conversation.", firstReview: "No reviews yet.",
    more: "Load more comments", moreLeft: { one: "Load more comments ({n} left)", other: "Load more comments ({n} left)" },
    moreReviews: "More reviews", loading: "Loading comments…", loadingReviews: "Loading reviews…",
    reply: "Reply", cancel: "Cancel", replyTo: "Reply to {author}", inReplyTo: "replying to {author}",
    name: "Name", email: "Email (optional, never shown)", body: "Comment", reviewBody: "Review",
    title: "Title (optional)", rating: "Your rating", nStars: { one: "{n} star", other: "{n} stars" },
    hint: "Select text, then use Bold, Italic, Link or Quote (or Ctrl+B, Ctrl+I). Web addresses become links.",
    formatting: "Formatting", bold: "Bold", italic: "Italic", link: "Link", quote: "Quote",
    preview: "Preview", previewEmpty: "Nothing to preview yet.",
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
    loadFailed: "Comments could not be loaded.", reviewsFailed: "Reviews could not be loaded.", retry: "Try again",
    badId: "This page has no valid comment thread id.",
    skipReviews: "Skip to reviews", skipComments: "Back to comments",
    react: "Respect", helpful: "Helpful", reactFailed: "Your reaction could not be saved. Please try again.",
    sortBy: "Sort by", o_oldest: "Oldest first", o_newest: "Newest first", o_reactions: "Most reactions",
    o_replies: "Most replies", o_highest: "Highest rated", o_lowest: "Lowest rated", o_helpful: "Most helpful",
    picks: "Editors' picks", isNew: "New", addReview: "Add your review",
    newCount: { one: "{n} new comment", other: "{n} new comments" },
    newShown: { one: "{n} new comment shown", other: "{n} new comments shown" },
    notifyReplies: "Email me when someone replies", notifyNeedsEmail: "Please enter your email address to be told of replies.",
    closed: "Comments are closed.", signIn: "Sign in to comment", signedIn: "Commenting as {name}",
    edit: "Edit", withdraw: "Withdraw", withdrawSure: "Withdraw for good?", withdrawn: "Withdrawn.",
    save: "Save", edited: "edited", moderator: "Moderator", badge_staff: "Staff", badge_subscriber: "Subscriber"
  };
  // Older override names, still honoured: count1/countN, reviews1/reviewsN, star/stars.
  var ZERO = { count: "count0", reviewsCount: "reviews0" };
  var LEGACY = { count: ["count1", "countN"], reviewsCount: ["reviews1", "reviewsN"], nStars: ["star", "stars"] };
  // The other languages' texts: /embed-texts/<code>.json, fetched once when a page needs one.
  var KNOWN = "__LANGS__";
  var LANGS = {};
  var TEXTS = new URL(".", me.src).href + "embed-texts/";
  var policy = null;
  try {
    if (window.trustedTypes) policy = trustedTypes.createPolicy("comments-widget", { createHTML: function (s) { return s; } });
  } catch (e) { /* the host's CSP names other policies: fall back below */ }
  var uid = 0;
  var CSS = "__CSS__";
  var OVERRIDES = null;

  // The page's own texts (a JSON block or window.CommentsWidgetTexts) win over any language.
  function overrides() {
    if (OVERRIDES) return OVERRIDES;
    var own = document.querySelector("script[type='application/json'][data-comments-texts]");
    var extra = Object.assign({}, window.CommentsWidgetTexts || {});
    try { if (own) extra = Object.assign(extra, JSON.parse(own.textContent)); } catch (e) { /* keep the language's */ }
    OVERRIDES = {};
    Object.keys(extra).forEach(function (k) {
      if (typeof extra[k] === "string" || (extra[k] && typeof extra[k] === "object")) OVERRIDES[k] = extra[k];
    });
    return OVERRIDES;
  }
  // Texts for one language tag ("de", "pt-BR"): its translation, English for anything missing.
  function code(lang) { return String(lang || "en").toLowerCase().split(/[-_]/)[0]; }
  function loadTexts(langs) {
    return Promise.all(langs.map(code).filter(function (c, i, all) {
      return KNOWN.indexOf(c) >= 0 && !LANGS[c] && all.indexOf(c) === i;
    }).map(function (c) {
      return fetch(TEXTS + c + ".json", { credentials: "omit" }).then(ok)
        .then(function (d) { LANGS[c] = d; }, function () { /* English, then */ });
    }));
  }
  function Texts(lang) {
    var own = overrides();
    this.lang = lang || undefined;
    this.T = Object.assign({}, EN, LANGS[code(lang)] || {}, own);
    this.own = own;
    try { this.rules = new Intl.PluralRules(this.lang); } catch (e) { this.rules = new Intl.PluralRules("en"); }
  }
  Texts.prototype.t = function (key, vars) {
    var s = this.T[key];
    if (typeof s !== "string") s = EN[key];
    return fill(s, vars);
  };
  // "No comments yet", "1 comment", "3 komentarze": the zero text, else Intl.PluralRules' form.
  Texts.prototype.n = function (key, n) {
    if (n === 0 && ZERO[key]) return this.T[ZERO[key]];
    var legacy = LEGACY[key], num = n.toLocaleString(this.lang);
    if (legacy && typeof this.own[legacy[n === 1 ? 0 : 1]] === "string") return fill(this.own[legacy[n === 1 ? 0 : 1]], { n: num });
    var forms = this.T[key] && typeof this.T[key] === "object" ? this.T[key] : EN[key];
    return fill(forms[this.rules.select(n)] || forms.other, { n: num });
  };
  function fill(s, vars) {
    return String(s).replace(/\{(\w+)\}/g, function (m, k) { return vars && k in vars ? vars[k] : m; });
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
  var explained = false;
  // fetch() cannot tell a refused origin from an unreachable service; a no-cors request can:
  // it succeeds (opaque) when the service answered but did not allow this page's origin.
  function explain(url) {
    if (explained) return;
    explained = true;
    fetch(url, { mode: "no-cors", credentials: "omit" }).then(function () {
      console.error("Comments widget: " + new URL(API).origin + " does not allow this page's origin. Add " +
        location.origin + " to COMMENTS_ALLOWED_ORIGINS on the comment service.");
    }, function () {
      console.error("Comments widget: the comment service at " + API + " cannot be reached.");
    });
  }
  function ok(r) {
    if (!r.ok) throw new Error(r.status);
    return r.json();
  }
  function getJSON(path) {
    return fetch(API + path, { cache: "no-cache", credentials: "omit" }).then(ok, function (e) { explain(API + path); throw e; });
  }
  function articlePath(id) { return "articles/" + encodeURIComponent(id) + "/"; }
  // "" is the default site, at its old paths.
  function siteOf(el) {
    var s = el.closest("[data-comments-site]");
    return s ? s.getAttribute("data-comments-site") : PAGE_SITE;
  }
  function sitePath(site) { return site ? "sites/" + site + "/" : ""; }
  // The site's sign-in token for its reader (data-comments-sso or CommentsWidget.signIn).
  var sso = null;
  function send(method, path, body, extra, anon) {
    var hd = Object.assign({ "Content-Type": "application/json" }, extra);
    if (sso && !anon) hd["X-Comments-SSO"] = sso;
    return fetch(API + path, { method: method, credentials: "omit", headers: hd, body: body ? JSON.stringify(body) : undefined });
  }
  // The name the token carries (shown only; the server checks the token).
  function ssoName() {
    try {
      var b = atob(sso.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"));
      var name = JSON.parse(new TextDecoder().decode(Uint8Array.from(b, function (c) { return c.charCodeAt(0); }))).name;
      return typeof name === "string" ? name : null;
    } catch (e) { return null; }
  }
  // The edit tokens of the reader's own entries, in this page's localStorage, one key each.
  var MINE = "comments-widget:" + API + ":";
  function mine(id, value) {
    try {
      if (value === null) localStorage.removeItem(MINE + id);
      else if (value) localStorage.setItem(MINE + id, JSON.stringify(value));
      else return JSON.parse(localStorage.getItem(MINE + id));
    } catch (e) { return null; }
  }

  // Small things the widget remembers in this browser (a reader's order, own reactions).
  function store(key, value) {
    try {
      if (value === undefined) return JSON.parse(localStorage.getItem("comments-" + key));
      localStorage.setItem("comments-" + key, JSON.stringify(value));
    } catch (e) { return null; }
  }
  // The entries this browser reacted to (the service tells no reader who else did).
  var REACTED = store("reacted") || [];

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
    a.style.backgroundColor = "hsl(" + hue + " 45% 38%)";
    return a;
  }

  /* ---------- formatting: a toolbar that writes the tags the server keeps, and a preview ---------- */
  var INLINE = { b: 1, strong: 1, i: 1, em: 1, code: 1, a: 1 };
  var BLOCK = { p: 1, blockquote: 1, ul: 1, ol: 1, li: 1, pre: 1 };
  // The preview is built node by node from the allow-list (never innerHTML of the reader's
  // text): allowed tags become elements, links only with http(s)/mailto, everything else
  // stays text or is dropped, as the server's sanitizer does.
  function previewNodes(text) {
    var out = document.createDocumentFragment();
    if (/<\s*\/?\s*(p|pre|blockquote|ul|ol|li)\b/i.test(text)) {
      parseInto(out, text, false);
      return out;
    }
    // Plain text, as the server reads it: blank lines make paragraphs, newlines line breaks.
    text.split(/\n\s*\n/).forEach(function (chunk) {
      if (chunk.trim()) out.append(parseInto(h("p"), chunk.replace(/^\n+|\n+$/g, ""), true));
    });
    return out;
  }
  function parseInto(root, text, breaks) {
    var stack = [root], re = /<\s*(\/?)\s*([a-z]+)([^<>]*)>/gi, at = 0, m;
    function top() { return stack[stack.length - 1]; }
    function addText(s) {
      (breaks ? s.split("\n") : [s]).forEach(function (line, i) {
        if (i) top().append(h("br"));
        if (line) top().append(line);
      });
    }
    while ((m = re.exec(text))) {
      addText(text.slice(at, m.index));
      at = re.lastIndex;
      var tag = m[2].toLowerCase(), closing = !!m[1];
      if (tag === "strong") tag = "b";
      if (tag === "em") tag = "i";
      if (tag === "br") { top().append(h("br")); continue; }
      if (!INLINE[tag] && !BLOCK[tag]) continue; // dropped, its text kept
      if (closing) {
        for (var k = stack.length - 1; k > 0; k--) {
          if (stack[k].tagName.toLowerCase() === tag) { stack.length = k; break; }
        }
        continue;
      }
      if (stack.length > 32) continue; // as deep as anyone quotes
      var el = h(tag);
      if (tag === "a") {
        var href = /href\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(m[3]);
        var url = href ? (href[2] || href[3] || href[4] || "").trim() : "";
        if (/^(https?:\/\/|mailto:)/i.test(url)) { el.setAttribute("href", url); el.setAttribute("rel", "nofollow ugc noopener"); }
      }
      top().append(el);
      stack.push(el);
    }
    addText(text.slice(at));
    return root;
  }
  function wrapSelection(area, before, after, placeholder) {
    var a = area.selectionStart, b = area.selectionEnd, v = area.value, chosen = v.slice(a, b) || placeholder || "";
    area.setRangeText(before + chosen + after, a, b, "end");
    area.setSelectionRange(a + before.length, a + before.length + chosen.length);
    area.focus();
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }
  var FORMATS = {
    bold: function (area) { wrapSelection(area, "<b>", "</b>"); },
    italic: function (area) { wrapSelection(area, "<i>", "</i>"); },
    quote: function (area) { wrapSelection(area, "<blockquote>", "</blockquote>"); },
    link: function (area) {
      var a = area.selectionStart, chosen = area.value.slice(a, area.selectionEnd).trim();
      if (/^https?:\/\/\S+$/i.test(chosen)) return wrapSelection(area, '<a href="' + chosen + '">', "</a>");
      // Select the address part, so the reader types or pastes it straight away.
      area.setRangeText('<a href="https://">' + chosen + "</a>", a, area.selectionEnd, "end");
      area.setSelectionRange(a + 9, a + 17);
      area.focus();
      area.dispatchEvent(new Event("input", { bubbles: true }));
    }
  };
  function toolbar(L, area) {
    var preview = h("div", { class: "pv body", hidden: true, tabindex: "0", role: "region", "aria-label": L.t("preview") });
    var buttons = [
      ["bold", h("b", { text: "B" })], ["italic", h("i", { text: "I" })], ["link", L.t("link")], ["quote", "❝"]
    ].map(function (f) {
      return h("button", { type: "button", class: "tb", tabindex: "-1", "aria-label": L.t(f[0]), title: L.t(f[0]),
        onclick: function () { FORMATS[f[0]](area); } }, f[1]);
    });
    var show = h("button", { type: "button", class: "tb pvb", tabindex: "-1", "aria-pressed": "false", text: L.t("preview") });
    buttons.push(show);
    buttons[0].tabIndex = 0;
    function render() {
      preview.replaceChildren();
      if (area.value.trim()) preview.append(previewNodes(area.value.trim()));
      else preview.append(h("p", { class: "muted", text: L.t("previewEmpty") }));
    }
    show.addEventListener("click", function () {
      var on = preview.hidden;
      preview.hidden = !on;
      show.setAttribute("aria-pressed", String(on));
      if (on) render();
    });
    area.addEventListener("input", function () { if (!preview.hidden) render(); });
    area.addEventListener("keydown", function (ev) {
      if (!(ev.ctrlKey || ev.metaKey) || ev.altKey) return;
      var k = ev.key.toLowerCase(), f = k === "b" ? "bold" : k === "i" ? "italic" : k === "k" ? "link" : null;
      if (f) { ev.preventDefault(); FORMATS[f](area); }
    });
    // One tab stop; arrow keys move within the toolbar.
    var bar = h("div", { class: "tools", role: "toolbar", "aria-label": L.t("formatting"), "aria-controls": area.id });
    bar.append.apply(bar, buttons);
    bar.addEventListener("keydown", function (ev) {
      var i = buttons.indexOf(ev.target), d = ev.key === "ArrowRight" ? 1 : ev.key === "ArrowLeft" ? -1 : 0;
      if (i < 0 || (!d && ev.key !== "Home" && ev.key !== "End")) return;
      ev.preventDefault();
      var j = ev.key === "Home" ? 0 : ev.key === "End" ? buttons.length - 1 : (i + d + buttons.length) % buttons.length;
      buttons[i].tabIndex = -1;
      buttons[j].tabIndex = 0;
      buttons[j].focus();
    });
    bar.preview = preview;
    bar.reset = function () { preview.hidden = true; show.setAttribute("aria-pressed", "false"); };
    return bar;
  }

  /* ---------- forms ---------- */
  function field(L, name, label, opts) {
    var id = "f" + ++uid, err = id + "e";
    var control = h(opts.area ? "textarea" : "input", {
      id: id, name: name, type: opts.area ? null : opts.type || "text", rows: opts.area ? 4 : null,
      autocomplete: opts.auto || "off", required: !!opts.required, "aria-required": opts.required ? "true" : null,
      maxlength: opts.area ? null : LIMIT[name], "aria-describedby": err + (opts.hint ? " " + id + "h" : ""),
      spellcheck: opts.area ? "true" : null
    });
    var bar = opts.area ? toolbar(L, control) : null;
    return h("div", { class: "field" },
      h("label", { for: id, text: label }),
      bar, control, bar ? bar.preview : null,
      opts.hint ? h("p", { class: "hint", id: id + "h", text: opts.hint }) : null,
      h("p", { class: "err", id: err }));
  }
  // "Email me when someone replies": the service mails a confirmation first (double opt-in).
  function notifyBox(L) {
    var id = "f" + ++uid;
    return h("div", { class: "field chk" },
      h("label", { for: id }, h("input", { id: id, type: "checkbox", name: "notify_replies" }),
        h("span", { text: L.t("notifyReplies") })),
      h("p", { class: "err", id: id + "e" }));
  }
  function honeypot() {
    return h("div", { class: "hp", "aria-hidden": "true" },
      h("label", { text: "Website" }, h("input", { name: "website", tabindex: "-1", autocomplete: "off" })));
  }
  function starInput(L) {
    var group = h("span", { class: "si" }), errId = "f" + ++uid + "e";
    var box = h("fieldset", { class: "rate" }, h("legend", { text: L.t("rating") }), group, h("p", { class: "err", id: errId }));
    for (var n = 1; n <= 5; n++) {
      var id = "f" + ++uid;
      group.append(
        h("input", { type: "radio", name: "rating", value: n, id: id, class: "sr", required: n === 1, "aria-describedby": errId }),
        h("label", { for: id, title: L.n("nStars", n) },
          h("span", { "aria-hidden": "true", text: "★" }), h("span", { class: "sr", text: L.n("nStars", n) })));
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
  function fail(status, text) {
    status.className = "status bad";
    status.textContent = text;
  }
  function statusLine() { return h("p", { class: "status", role: "status", "aria-live": "polite", tabindex: "-1" }); }
  function firstInvalid(form) {
    var c = form.querySelector("[aria-invalid]");
    if (c) c.focus();
  }
  function validate(L, form) {
    var bad = {}, el = form.elements;
    ["author", "body", "title", "email"].forEach(function (name) {
      var c = el[name];
      if (!c) return;
      var v = c.value.trim();
      if (c.required && !v) bad[name] = L.t("required");
      else if (len(v) > LIMIT[name]) bad[name] = L.t("tooLong", { n: LIMIT[name].toLocaleString(L.lang) });
      else if (name === "email" && v && c.validity.typeMismatch) bad.email = L.t("badEmail");
    });
    if (el.rating && !form.querySelector("input[name=rating]:checked")) bad.rating = L.t("pickRating");
    if (el.notify_replies && el.notify_replies.checked && !sso && !el.email.value.trim() && !bad.email) bad.email = L.t("notifyNeedsEmail");
    return bad;
  }
  function payload(form) {
    var data = {}, el = form.elements;
    ["author", "body", "title", "email"].forEach(function (name) {
      if (el[name] && el[name].value.trim()) data[name] = el[name].value.trim();
    });
    if (el.rating) data.rating = +form.querySelector("input[name=rating]:checked").value;
    if (el.parent_id) data.parent_id = +el.parent_id.value;
    if (el.notify_replies && el.notify_replies.checked) data.notify_replies = true;
    if (el.website.value) data.website = el.website.value; // the honeypot, only when a bot filled it
    var host = form.getRootNode().host, date = host && Date.parse(host.getAttribute("data-comments-article-date"));
    if (date) data.article_date = new Date(date).toISOString();
    var page = pageContext();
    if (page.url) data.page_url = page.url;
    if (page.title) data.page_title = page.title;
    return data;
  }
  // The page a submission comes from, for moderators: its canonical URL (or the address
  // without query and fragment) and its title (og:title or the document's).
  function pageContext() {
    var link = document.querySelector("link[rel=canonical][href]"), og = document.querySelector("meta[property='og:title'][content]");
    var url = link ? link.href : location.origin + location.pathname;
    var title = ((og && og.getAttribute("content")) || document.title || "").replace(/\s+/g, " ").trim();
    return { url: /^https?:\/\//i.test(url) && url.length <= 500 ? url : null, title: title.slice(0, 200) || null };
  }
  function submitter(L, path, onDone) {
    return function (ev) {
      ev.preventDefault();
      var form = ev.currentTarget, status = form.querySelector(".status"), button = form.querySelector("[type=submit]");
      if (button.disabled) return;
      clearErrors(form);
      status.className = "status";
      var bad = validate(L, form);
      if (Object.keys(bad).length) {
        Object.keys(bad).forEach(function (k) { markError(form, k, bad[k]); });
        fail(status, L.t("fix"));
        return firstInvalid(form);
      }
      var label = button.textContent;
      button.disabled = true;
      button.textContent = L.t("sending");
      status.textContent = "";
      var sent = payload(form);
      send("POST", path, sent).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (r.status === 202 && data.edit_token) mine(data.id, { t: data.edit_token, at: Date.now(), body: sent.body, title: sent.title });
          if (r.status === 202) return onDone(form, data);
          var error = data.error || {}, other = [];
          if (error.fields) {
            Object.keys(error.fields).forEach(function (k) {
              if (!markError(form, k, error.fields[k])) other.push(error.fields[k]);
            });
          }
          fail(status, r.status === 429 ? L.t("rateLimited") : r.status >= 500 ? L.t("failed")
            : r.status === 422 ? (other.length ? other.join(" ") : L.t("fix")) : error.message || L.t("failed"));
          if (r.status === 429 && +r.headers.get("Retry-After") > 90) status.textContent = L.t("rateLimitedLong");
          firstInvalid(form);
        });
      }, function () { fail(status, L.t("network")); }).finally(function () {
        button.disabled = false;
        button.textContent = label;
      });
    };
  }

  /* ---------- one widget ---------- */
  function langOf(host) {
    return host.getAttribute("data-comments-lang") || document.documentElement.lang || navigator.language;
  }
  function Widget(host) {
    this.id = host.getAttribute("data-comments-for");
    this.site = siteOf(host);
    this.base = sitePath(this.site);
    this.lang = langOf(host);
    this.L = new Texts(this.lang);
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
      this.el.append(h("p", { class: "status bad", text: this.t("badId") }));
      return;
    }
    this.total = null;
    this.ed = {};
    this.build();
    this.load();
  }
  Widget.prototype.t = function (key, vars) { return this.L.t(key, vars); };
  // Signed in: no name or email fields (the site's token names the reader), and who it is.
  Widget.prototype.signIn = function () {
    var name = sso && ssoName();
    this.el.querySelectorAll(".two").forEach(function (two) {
      two.hidden = !!sso;
      two.querySelector("[name=author]").required = !sso;
    });
    this.el.querySelectorAll(".form:not(.ef)").forEach(function (form) {
      var who = form.querySelector(".whoami") || form.insertBefore(h("p", { class: "muted whoami" }), form.querySelector(".two"));
      who.textContent = name ? this.t("signedIn", { name: name }) : "";
      who.hidden = !name;
    }, this);
    if (this.page) this.state(this.page);
  };
  // What the thread says: closed, or for signed-in readers only (with the site's login page).
  Widget.prototype.state = function (page) {
    var w = this, out = page.closed || (page.commenting === "signed-in" && !sso);
    w.page = page;
    w.editWindow = page.edit_window_minutes;
    w.shut = out;
    [w.form, w.write].forEach(function (el) { if (el) el.hidden = out; });
    w.el.querySelectorAll(".acts > .link:first-child").forEach(function (b) { if (b.textContent === w.t("reply")) b.hidden = out; });
    if (out && w.replyForm) w.replyForm.cancel();
    w.notice.hidden = !out;
    w.notice.replaceChildren(page.closed ? w.t("closed") : page.login_url
      ? h("a", { class: "btn", href: page.login_url, text: w.t("signIn") }) : w.t("signIn"));
  };
  // A line announced politely while a list loads; empty (and hidden) otherwise.
  function loadingLine() { return h("p", { class: "loading muted", role: "status", "aria-live": "polite" }); }
  Widget.prototype.build = function () {
    var w = this, show = (w.el.getRootNode().host.getAttribute("data-comments-show") || "comments reviews");
    var both = show.indexOf("comments") >= 0 && show.indexOf("reviews") >= 0;
    w.count = h("span", { class: "n" });
    w.thread = h("ol", { class: "thread" });
    w.mine = h("ol", { class: "thread mine" });
    w.cload = loadingLine();
    w.more = h("button", { type: "button", class: "link more", hidden: true, text: w.t("more"), onclick: function () { w.loadComments(true); } });
    w.form = w.commentForm(null);
    w.sort = w.sortMenu("comments", ["oldest", "newest", "reactions", "replies"]);
    w.pickList = h("ol", { class: "thread" });
    w.picks = h("section", { class: "picks", hidden: true, "aria-label": w.t("picks") }, h("h3", { text: w.t("picks") }), w.pickList);
    w.fresh = h("button", { type: "button", class: "btn fresh", hidden: true, onclick: function () { w.showNew(); } });
    w.notice = h("p", { class: "status", hidden: true });
    w.cHead = h("h2", { tabindex: "-1" }, w.t("comments"), " ", w.count);
    w.rHead = h("h2", { tabindex: "-1", text: w.t("reviews") });
    function skip(key, to) {
      return h("a", { href: "#", class: "skip", text: w.t(key), onclick: function (ev) {
        ev.preventDefault();
        to.scrollIntoView({ block: "start" });
        to.focus({ preventScroll: true });
      } });
    }
    if (show.indexOf("comments") >= 0) {
      w.el.append(h("section", { class: "part comments", "aria-label": w.t("comments") },
        both ? skip("skipReviews", w.rHead) : null,
        w.top = both ? h("nav", { class: "top", "aria-label": w.t("reviews") }) : null,
        w.cHead, w.notice, w.form, w.mine, w.sort, w.picks, h("div", { class: "fw" }, w.fresh), w.cload, w.thread, w.more));
    }
    w.summary = h("div", { class: "summary" });
    w.reviews = h("ol", { class: "reviews" });
    w.rload = loadingLine();
    w.moreR = h("button", { type: "button", class: "link more", hidden: true, text: w.t("moreReviews"), onclick: function () { w.loadReviews(true); } });
    w.rsort = w.sortMenu("reviews", ["newest", "highest", "lowest", "helpful"]);
    w.write = h("details", { class: "write" }, h("summary", { text: w.t("writeReview") }), w.reviewForm());
    if (show.indexOf("reviews") >= 0) {
      w.el.append(h("section", { class: "part", "aria-label": w.t("reviews") },
        both ? skip("skipComments", w.cHead) : null,
        w.rHead, w.rload, w.summary, w.rsort, w.reviews, w.moreR, w.write));
    }
    w.showTop(null); // with both lists, the rating and the review form are reachable from the top
    w.signIn();
    setInterval(function () {
      w.el.querySelectorAll("time[datetime]").forEach(function (el) { el.textContent = ago(el.getAttribute("datetime"), w.lang); });
    }, 60000);
  };
  Widget.prototype.load = function () {
    this.cursor = this.rcursor = undefined;
    this.thread.textContent = this.reviews.textContent = "";
    this.loadComments(false);
    this.loadReviews(false);
  };
  Widget.prototype.failed = function (list, key, retry) {
    var w = this, box = h("li", { class: "status bad" }, w.t(key), " ",
      h("button", { type: "button", class: "link", text: w.t("retry"), onclick: function () { box.remove(); retry.call(w, false); } }));
    list.append(box);
  };
  // The live region is filled a moment after it is in the page, so screen readers announce it.
  function busy(line, text) {
    line.textContent = "";
    return setTimeout(function () { line.textContent = text; }, 50);
  }
  function idle(line, timer) {
    clearTimeout(timer);
    line.textContent = "";
  }
  Widget.prototype.empty = function (list, mine, key) {
    var none = !list.querySelector("li.c, li.r") && !(mine && mine.children.length);
    var line = list.querySelector(".empty");
    if (none && !line) list.append(h("li", { class: "empty", text: this.t(key) }));
    if (!none && line) line.remove();
  };
  Widget.prototype.loadComments = function (more) {
    var w = this, q = "comments?limit=" + PAGE.comments + (w.cursor ? "&cursor=" + encodeURIComponent(w.cursor) : "") +
      (w.sort.order ? "&order=" + w.sort.order : "");
    var timer = busy(w.cload, w.t("loading"));
    w.more.disabled = true;
    w.thread.setAttribute("aria-busy", "true");
    getJSON(w.base + articlePath(w.id) + q).then(function (page) {
      var first = null;
      if (!w.cursor) {
        w.settings = page.settings;
        w.sort.show(page.order);
        w.showPicks(page.featured);
        w.poll();
        w.ours();
      }
      w.state(page);
      page.items.forEach(function (c) {
        if (w.find(w.thread, c.id)) return; // moved across the page boundary while reading
        var li = w.comment(c, 0, null);
        w.thread.append(li);
        first = first || li;
      });
      w.cursor = page.next_cursor;
      w.more.hidden = !w.cursor;
      w.empty(w.thread, w.mine, "first");
      w.showMore();
      // After "Load more", focus goes to the first new comment: the next Tab continues there.
      if (more && first) {
        var art = first.querySelector("article");
        art.focus({ preventScroll: true });
        art.scrollIntoView({ block: "nearest" });
      }
    }, function () { w.failed(w.thread, "loadFailed", w.loadComments); }).finally(function () {
      idle(w.cload, timer);
      w.more.disabled = false;
      w.thread.removeAttribute("aria-busy");
    });
  };
  Widget.prototype.loadReviews = function (more) {
    var w = this, q = "reviews?limit=" + PAGE.reviews + (w.rcursor ? "&cursor=" + encodeURIComponent(w.rcursor) : "") +
      (w.rsort.order ? "&order=" + w.rsort.order : "");
    var timer = busy(w.rload, w.t("loadingReviews"));
    w.moreR.disabled = true;
    w.reviews.setAttribute("aria-busy", "true");
    getJSON(w.base + articlePath(w.id) + q).then(function (page) {
      var first = null;
      if (!w.rcursor) {
        w.showSummary(page.summary);
        w.rsort.show(page.order);
      }
      page.items.forEach(function (r) {
        if (w.find(w.reviews, r.id)) return;
        var li = w.review(r);
        w.reviews.append(li);
        first = first || li;
      });
      w.empty(w.reviews, w.rmine, "firstReview");
      w.rcursor = page.next_cursor;
      w.moreR.hidden = !w.rcursor;
      if (more && first) first.querySelector("article").focus();
    }, function () { w.failed(w.reviews, "reviewsFailed", w.loadReviews); }).finally(function () {
      idle(w.rload, timer);
      w.moreR.disabled = false;
      w.reviews.removeAttribute("aria-busy");
    });
  };
  Widget.prototype.setCount = function (counts) {
    this.count.textContent = counts.comments ? "(" + counts.comments.toLocaleString(this.lang) + ")" : "";
    this.total = counts.comments;
    if (this.seen == null) this.seen = counts.comments; // what the reader has been shown
    this.showMore();
    var n = this.total - this.seen;
    if (n > 0 && n !== this.freshN) this.live.textContent = this.fresh.textContent = this.L.n("newCount", n);
    this.freshN = n;
    this.fresh.hidden = n <= 0;
  };
  Widget.prototype.find = function (list, id) { return list.querySelector(":scope > li[data-id='" + id + "']"); };
  Widget.prototype.sortMenu = function (kind, orders) {
    var w = this, id = "f" + ++uid, key = kind + "Order", mine = store(key);
    var sel = h("select", { id: id, onchange: function () {
      box.order = sel.value;
      store(key, sel.value);
      if (kind === "comments") { w.cursor = undefined; w.thread.textContent = ""; w.loadComments(false); }
      else { w.rcursor = undefined; w.reviews.textContent = ""; w.loadReviews(false); }
    } });
    orders.forEach(function (o) { sel.append(h("option", { value: o, text: w.t("o_" + o) })); });
    var box = h("p", { class: "sort" }, h("label", { for: id, text: w.t("sortBy") }), " ", sel);
    box.order = orders.indexOf(mine) >= 0 ? mine : null; // else the site's default
    box.show = function (order) { sel.value = order; };
    return box;
  };
  Widget.prototype.showPicks = function (items) {
    var w = this;
    w.pickList.textContent = "";
    (items || []).forEach(function (c) { w.pickList.append(w.comment(c, 0, null)); });
    w.picks.hidden = !w.pickList.children.length;
  };
  // Checks for new comments while the tab is visible: a conditional GET of the counts (a
  // 304 while nothing changed, which the front proxy or a CDN can answer); none while hidden.
  Widget.prototype.poll = function () {
    var w = this, host = w.el.getRootNode().host;
    var every = 1000 * +(host.getAttribute("data-comments-poll") || (w.settings && w.settings.poll_seconds) || 0);
    if (w.polling || !(every > 0)) return;
    w.polling = true;
    var wait = every, timer, asking = false;
    function tick() {
      clearTimeout(timer);
      if (document.visibilityState === "hidden" || asking) return;
      asking = true;
      getJSON(w.base + articlePath(w.id) + "counts").then(function (c) { wait = every; w.setCount(c); },
        function () { wait = Math.min(wait * 2, 300000); }).finally(function () {
        asking = false;
        timer = setTimeout(tick, wait);
      });
    }
    document.addEventListener("visibilitychange", tick);
    timer = setTimeout(tick, every);
  };
  // "3 new comments": the newest page is read and what is not shown yet is added (new
  // top-level comments at the top, replies under their parent), without re-drawing
  // anything else (an open reply form keeps its text) and with the reader's place kept.
  Widget.prototype.showNew = function () {
    var w = this, total = w.total;
    w.fresh.disabled = true;
    getJSON(w.base + articlePath(w.id) + "comments?limit=" + PAGE.comments + "&order=newest").then(function (page) {
      var all = w.thread.querySelectorAll("article"), anchor = w.more, added = [];
      for (var i = 0; i < all.length; i++) if (all[i].getBoundingClientRect().top >= 0) { anchor = all[i]; break; }
      var top = anchor.getBoundingClientRect().top, found = [], left = total - w.seen;
      // What the page has that is not shown: whole threads, or replies under shown comments.
      function walk(list, c, depth, parent) {
        var old = w.find(list, c.id);
        if (!old) return found.push({ c: c, list: list, depth: depth, parent: parent });
        (c.replies || []).forEach(function (r) { walk(old.querySelector(".replies"), r, depth + 1, c.author); });
      }
      page.items.forEach(function (c) { walk(w.thread, c, 0, null); });
      // The newest of those, as many as the count grew (not older threads never loaded),
      // added oldest first: new threads go on top, so the newest ends first.
      found.sort(function (a, b) { return a.c.created_at < b.c.created_at ? 1 : -1; });
      function size(c) { return (c.replies || []).reduce(function (n, r) { return n + size(r); }, 1); }
      found = found.filter(function (f) {
        var keep = left > 0;
        left -= size(f.c);
        return keep;
      }).reverse();
      found.forEach(function (f) {
        var el = w.comment(f.c, f.depth, f.parent);
        el.querySelector(".meta").append(h("span", { class: "badge", text: w.t("isNew") }));
        if (f.depth) f.list.append(el); else f.list.prepend(el);
        added.push(el);
      });
      window.scrollBy(0, anchor.getBoundingClientRect().top - top);
      w.seen = total;
      w.setCount({ comments: total });
      w.empty(w.thread, w.mine, "first");
      w.live.textContent = w.L.n("newShown", added.length);
      if (added[0]) added[0].querySelector("article").focus({ preventScroll: true });
    }, function () { w.live.textContent = w.t("loadFailed"); }).finally(function () { w.fresh.disabled = false; });
  };
  Widget.prototype.showTop = function (s) {
    var w = this;
    if (!w.top) return;
    function jump(text, to, open) {
      return h("a", { href: "#", class: "link", text: text, onclick: function (ev) {
        ev.preventDefault();
        if (open) w.write.open = true;
        to.scrollIntoView({ block: "start" });
        to.focus({ preventScroll: true });
      } });
    }
    var avg = s && s.count ? s.average.toLocaleString(w.lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : null;
    w.top.replaceChildren(avg ? jump(w.t("reviews") + ": ★ " + w.t("average", { avg: avg }), w.rHead) : "",
      jump(w.t("addReview"), w.write.querySelector("input[name=rating]"), true));
  };
  // The one reaction: a toggle button; this browser remembers which entries it reacted to.
  Widget.prototype.reactor = function (item, review) {
    var w = this, on = REACTED.indexOf(item.id) >= 0, n = item.reactions || 0, asking = false;
    var count = h("span", { class: "rc" });
    var label = review ? w.t("helpful") : w.L.own.react || (w.settings && w.settings.reaction_label) || w.t("react");
    var b = h("button", { type: "button", class: "link react" }, label, " ", count);
    function paint() {
      b.setAttribute("aria-pressed", String(on));
      count.textContent = n ? n.toLocaleString(w.lang) : "";
    }
    paint();
    b.addEventListener("click", function () {
      if (asking) return;
      var was = [on, n];
      on = !on;
      n = Math.max(0, n + (on ? 1 : -1));
      paint();
      asking = true;
      send(on ? "PUT" : "DELETE", w.base + "entries/" + item.id + "/reaction", null, null, 1).then(ok).then(function (d) {
        on = d.reacted;
        n = d.reactions;
        REACTED = REACTED.filter(function (i) { return i !== item.id; }).concat(on ? [item.id] : []).slice(-500);
        store("reacted", REACTED);
      }, function () {
        on = was[0];
        n = was[1];
        w.live.textContent = w.t("reactFailed");
      }).finally(function () {
        asking = false;
        paint();
      });
    });
    return b;
  };
  // How many published comments (replies included) are not shown yet: the counts' total less
  // what is loaded. Without the total, the button says only "Load more comments".
  Widget.prototype.showMore = function () {
    var left = this.total == null ? 0 : this.total - this.thread.querySelectorAll("li.c:not(.pending)").length;
    this.more.textContent = left > 0 ? this.L.n("moreLeft", left) : this.t("more");
  };
  Widget.prototype.showSummary = function (s) {
    var w = this, lang = this.lang, max = 0, rows = h("ul", { class: "histo", "aria-label": w.t("histogram") });
    this.summary.textContent = "";
    this.summary.hidden = !s.count;
    for (var k = 1; k <= 5; k++) max = Math.max(max, s.histogram[k] || 0);
    for (var n = 5; n >= 1; n--) {
      var c = s.histogram[n] || 0, fill = h("span");
      fill.style.width = (max ? (c / max) * 100 : 0) + "%";
      rows.append(h("li", { "data-stars": n },
        h("span", { class: "hl" }, h("span", { "aria-hidden": "true", text: n + " ★" }),
          h("span", { class: "sr", text: w.L.n("nStars", n) + ":" })),
        h("span", { class: "bar", "aria-hidden": "true" }, fill),
        h("span", { class: "hc", text: c.toLocaleString(lang) })));
    }
    var avg = s.average == null ? null : s.average.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    this.summary.append(h("div", { class: "avg" },
      h("strong", { class: "big", text: avg }),
      starRow(s.average || 0, w.t("average", { avg: avg })),
      h("span", { class: "muted", text: w.L.n("reviewsCount", s.count) })), rows);
    w.showTop(s);
  };
  Widget.prototype.meta = function (item) {
    var b = item.moderator ? "moderator" : item.badge;
    return h("header", { class: "meta" }, avatar(item.author),
      h("span", { class: "who", text: item.author }),
      b ? h("span", { class: "bdg" + (item.moderator ? " mod" : ""), text: this.L.T[b === "moderator" ? b : "badge_" + b] || b }) : null,
      h("span", { class: "muted" }, time(item.created_at, this.lang),
        item.edited_at ? " · " + this.t("edited") : null));
  };
  // "Edit" and "Withdraw" on the reader's own entries, while the site's edit window lasts
  // (the service's list, w.ed, has no "at": it keeps the time).
  Widget.prototype.own = function (id, li, body) {
    var w = this, m = mine(id) || w.ed[id];
    if (!m || Date.now() - m.at > (w.editWindow || 15) * 60000) return null;
    var box = h("span", { class: "rep own" }), note = h("span", { class: "status bad", role: "status" }), auth = m.t && { Authorization: "Bearer " + m.t };
    var edit = h("button", { type: "button", class: "link", "aria-expanded": "false", text: w.t("edit") });
    var drop = h("button", { type: "button", class: "link quiet", text: w.t("withdraw") });
    edit.addEventListener("click", function () {
      if (li.querySelector(".ef")) return;
      var f = field(w.L, "body", w.t(li.classList.contains("r") ? "reviewBody" : "body"), { area: true, required: true });
      var form = h("form", { class: "form ef", novalidate: true, "aria-label": w.t("edit") }, f,
        h("div", { class: "fa" }, h("button", { type: "submit", class: "btn", text: w.t("save") }),
          h("button", { type: "button", class: "link", text: w.t("cancel"), onclick: close })),
        statusLine());
      function close() { form.remove(); edit.setAttribute("aria-expanded", "false"); edit.focus(); }
      form.elements.body.value = m.body || body.textContent;
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var text = form.elements.body.value.trim(), status = form.querySelector(".status");
        if (!text) return markError(form, "body", w.t("required"));
        send("PATCH", w.base + "entries/" + id, { body: text, title: m.title }, auth).then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (data) {
            if (r.status !== 200) return fail(status, (data.error && data.error.message) || w.t("failed"));
            setBody(body, data.body_html);
            m.body = text;
            if (auth) mine(id, m);
            if (data.status === "pending" && !li.querySelector(".badge")) body.after(h("p", { class: "badge", text: w.t("awaiting") }));
            close();
          });
        }, function () { fail(status, w.t("network")); });
      });
      body.after(form);
      edit.setAttribute("aria-expanded", "true");
      form.elements.body.focus();
    });
    drop.addEventListener("click", function () {
      if (drop.textContent !== w.t("withdrawSure")) return (drop.textContent = w.t("withdrawSure"));
      send("DELETE", w.base + "entries/" + id, null, auth).then(function (r) {
        if (r.status !== 204) return (note.textContent = r.status === 404 ? w.t("gone") : w.t("failed"));
        mine(id, null);
        li.replaceChildren(h("p", { class: "muted", role: "status", tabindex: "-1", text: w.t("withdrawn") }));
        li.firstChild.focus();
      }, function () { note.textContent = w.t("network"); });
    });
    box.append(edit, drop, note);
    return box;
  };
  // Signed in: the service lists the reader's own entries still editable, from any device.
  Widget.prototype.ours = function () {
    var w = this;
    if (sso) send("GET", w.base + articlePath(w.id) + "mine").then(ok).then(function (d) {
      d.items.forEach(function (e) {
        w.ed[e.id] = e;
        w.el.querySelectorAll("li[data-id='" + e.id + "']").forEach(function (li) {
          var acts = li.querySelector(".acts");
          if (acts && !acts.querySelector(".own")) acts.append(w.own(e.id, li, li.querySelector(".body")));
        });
      });
    }).catch(Object);
  };
  Widget.prototype.comment = function (c, depth, parent) {
    var w = this, body = h("div", { class: "body" }), replies = h("ol", { class: depth + 1 >= DEPTH ? "replies flat" : "replies" });
    setBody(body, c.body_html);
    var li = h("li", { class: "c", "data-id": c.id });
    var reply = h("button", { type: "button", class: "link", "aria-expanded": "false", hidden: !!w.shut, text: w.t("reply") });
    var art = h("article", { "aria-label": c.author, tabindex: "-1" },
      w.meta(c), depth >= DEPTH && parent ? h("p", { class: "muted ctx", text: "↪ " + w.t("inReplyTo", { author: parent }) }) : null,
      body, h("div", { class: "acts" }, reply, w.reactor(c, false), w.reporter(c.id), w.own(c.id, li, body)));
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
    form.querySelector(".fa").append(h("button", { type: "button", class: "link", text: w.t("cancel"), onclick: function () { close(); button.focus(); } }));
    // Esc closes the reply form and returns to its Reply button.
    form.addEventListener("keydown", function (ev) {
      if (ev.key !== "Escape" || ev.defaultPrevented) return;
      ev.preventDefault();
      close();
      button.focus();
    });
    li.insertBefore(form, replies);
    button.setAttribute("aria-expanded", "true");
    w.replyForm = form;
    w.signIn();
    (form.elements.author.value || sso ? form.elements.body : form.elements.author).focus();
  };
  Widget.prototype.pending = function (data, list, form, message) {
    var live = data.status === "approved"; // post-moderation or a trusted author
    if (live && !data.rating && this.seen != null) this.seen++; // not "1 new comment" for the reader's own
    if (live && message) message = this.t("thanksPublished");
    var body = h("div", { class: "body" });
    setBody(body, data.body_html);
    var item = h("li", { class: data.rating ? "r pending" : "c pending", "data-id": data.id, tabindex: "-1" },
      h("article", {}, this.meta(data), data.rating ? starRow(data.rating, this.t("outOf", { n: data.rating })) : null,
        data.title ? h("h3", { text: data.title }) : null, body, h("p", { class: "badge", text: this.t(live ? "published" : "awaiting") })));
    var own = this.own(data.id, item, body);
    if (own) item.firstChild.append(h("div", { class: "acts" }, own));
    list.append(item);
    form.reset();
    form.querySelectorAll(".tools").forEach(function (bar) { bar.reset(); });
    if (form.querySelector(".si")) paintStars(form.querySelector(".si"));
    this.empty(this.thread, this.mine, "first");
    this.empty(this.reviews, this.rmine, "firstReview");
    var status = form.querySelector(".status");
    status.className = "status ok";
    status.textContent = message;
    if (message) {
      // Focus the thank-you message, in view: the reader's next step starts there.
      status.focus({ preventScroll: true });
      status.scrollIntoView({ block: "center" });
    }
    return item;
  };
  Widget.prototype.commentForm = function (parent, replies) {
    var w = this;
    var done = function (form, data) {
      if (!parent) return w.pending(data, w.mine, form, w.t("thanks"));
      var name = form.elements.author.value;
      form.cancel();
      w.pending(data, replies, form, "").focus();
      w.live.textContent = w.t("thanks");
      w.form.elements.author.value = w.form.elements.author.value || name;
    };
    var group = h("div", { class: "two" }, field(w.L, "author", w.t("name"), { required: true, auto: "name" }),
      field(w.L, "email", w.t("email"), { type: "email", auto: "email" }));
    return h("form", { class: "form", novalidate: true, "aria-label": parent ? w.t("replyTo", { author: parent.author }) : w.t("comments"),
      onsubmit: submitter(w.L, w.base + articlePath(w.id) + "comments", done) },
      parent ? h("p", { class: "muted ctx", text: "↪ " + w.t("inReplyTo", { author: parent.author }) }) : null,
      group,
      notifyBox(w.L),
      field(w.L, "body", w.t("body"), { area: true, required: true, hint: w.t("hint") }),
      parent ? h("input", { type: "hidden", name: "parent_id", value: parent.id }) : null,
      honeypot(),
      h("div", { class: "fa" }, h("button", { type: "submit", class: "btn", text: w.t(parent ? "postReply" : "post") })),
      statusLine());
  };
  Widget.prototype.reviewForm = function () {
    var w = this;
    w.rmine = h("ol", { class: "reviews mine" });
    var form = h("form", { class: "form", novalidate: true, "aria-label": w.t("writeReview"),
      onsubmit: submitter(w.L, w.base + articlePath(w.id) + "reviews", function (f, data) { w.pending(data, w.rmine, f, w.t("thanksReview")); }) },
      starInput(w.L),
      h("div", { class: "two" }, field(w.L, "author", w.t("name"), { required: true, auto: "name" }),
        field(w.L, "email", w.t("email"), { type: "email", auto: "email" })),
      field(w.L, "title", w.t("title"), {}),
      field(w.L, "body", w.t("reviewBody"), { area: true, required: true, hint: w.t("hint") }),
      honeypot(),
      h("div", { class: "fa" }, h("button", { type: "submit", class: "btn", text: w.t("postReview") })),
      statusLine());
    return h("div", {}, form, w.rmine);
  };
  Widget.prototype.review = function (r) {
    var body = h("div", { class: "body" }), li = h("li", { class: "r", "data-id": r.id });
    setBody(body, r.body_html);
    li.append(h("article", { "aria-label": r.author, tabindex: "-1" },
      starRow(r.rating, this.t("outOf", { n: r.rating })), r.title ? h("h3", { text: r.title }) : null,
      this.meta(r), body, h("div", { class: "acts" }, this.reactor(r, true), this.reporter(r.id), this.own(r.id, li, body))));
    return li;
  };
  // "Report" opens a one-line form: an optional reason, then one POST.
  Widget.prototype.reporter = function (id) {
    var w = this, box = h("span", { class: "rep" }), note = h("span", { class: "status bad", role: "status" });
    var open = h("button", { type: "button", class: "link quiet", "aria-expanded": "false", text: w.t("report") });
    var why = h("input", { name: "reason", maxlength: 500, autocomplete: "off", "aria-label": w.t("reportWhy"), placeholder: w.t("reportWhy") });
    var form = h("form", { class: "rf", hidden: true, "aria-label": w.t("reportAsk") },
      h("span", { text: w.t("reportAsk") }), why, h("button", { type: "submit", class: "link", text: w.t("reportSend") }),
      h("button", { type: "button", class: "link quiet", text: w.t("cancel"), onclick: function () { toggle(false); } }), note);
    function toggle(on) {
      form.hidden = !on;
      open.setAttribute("aria-expanded", String(on));
      (on ? why : open).focus();
    }
    open.addEventListener("click", function () { toggle(form.hidden); });
    form.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); toggle(false); }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = why.value.trim() ? { reason: why.value.trim() } : {};
      send("POST", w.base + "entries/" + id + "/reports", body).then(function (r) {
        var msg = r.status === 202 ? w.t("reported") : r.status === 404 ? w.t("gone") : r.status === 429 ? w.t("rateLimited") : w.t("failed");
        if (r.status === 202 || r.status === 404) box.replaceChildren(h("span", { class: "muted", role: "status", text: msg }));
        else note.textContent = msg;
      }, function () { note.textContent = w.t("network"); });
    });
    box.append(open, form);
    return box;
  };

  /* ---------- badges and start-up ---------- */
  var widgets = [];
  // One batch (or a few) per site.
  function counts(fresh) {
    var badges = Array.from(document.querySelectorAll("[data-comments-count]"));
    var L = new Texts(document.documentElement.lang || undefined);
    var bySite = {};
    function want(site, id) {
      var ids = bySite[site] || (bySite[site] = []);
      if (ID.test(id || "") && ids.indexOf(id) < 0) ids.push(id);
    }
    badges.forEach(function (b) { want(siteOf(b), b.getAttribute("data-comments-count")); });
    fresh.forEach(function (w) { want(w.site, w.id); });
    Object.keys(bySite).forEach(function (site) {
      var ids = bySite[site], path = sitePath(site) + "counts";
      for (var i = 0; i < ids.length; i += 100) {
        var batch = ids.slice(i, i + 100);
        var q = "?" + batch.map(function (id) { return "article_id=" + encodeURIComponent(id); }).join("&");
        // The cacheable GET, or a POST when the ids would not fit its 8 KiB request line.
        var asked = (API + path + q).length < 7000 ? getJSON(path + q) : send("POST", path, { article_ids: batch }, null, 1).then(ok);
        asked.then(function (data) {
          badges.forEach(function (b) {
            if (siteOf(b) !== site) return;
            var c = data.counts[b.getAttribute("data-comments-count")];
            if (c) b.textContent = L.n("count", c.comments);
          });
          widgets.forEach(function (w) { if (w.site === site && data.counts[w.id]) w.setCount(data.counts[w.id]); });
        }, function () { /* badges keep the host's own text */ });
      }
    });
  }
  function start() {
    OVERRIDES = null;
    var hosts = Array.from(document.querySelectorAll("[data-comments-for]")).filter(function (host) {
      return !host.shadowRoot && !host.hasAttribute("data-comments-starting");
    });
    hosts.forEach(function (host) { host.setAttribute("data-comments-starting", ""); });
    var langs = hosts.map(langOf).concat(document.documentElement.lang || []);
    loadTexts(langs).then(function () {
      var fresh = [];
      hosts.forEach(function (host) {
        host.removeAttribute("data-comments-starting");
        if (host.shadowRoot) return;
        if (host.getAttribute("data-comments-sso")) sso = host.getAttribute("data-comments-sso");
        var w = new Widget(host);
        widgets.push(w);
        fresh.push(w);
      });
      counts(fresh);
    });
  }
  window.CommentsWidget = {
    refresh: start, version: "2",
    // The site signs its reader in (or out, with null) without reloading the page.
    signIn: function (token) {
      sso = token || null;
      widgets.forEach(function (w) { w.signIn(); w.ours(); });
    }
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
