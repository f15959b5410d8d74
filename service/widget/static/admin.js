/* The moderation page: the admin API with a bearer token kept in sessionStorage. Every
 * reader-supplied string is inserted as text; the only HTML is the server's sanitized
 * preview (body_html), under this page's Trusted Types and script-src 'self' policy. */
(function () {
  "use strict";
  var API = "/api/v1/admin/";
  var KEY = "comments-moderator-token";
  var PAGE = 50;
  var ID = /^[A-Za-z0-9][A-Za-z0-9._:~-]{0,127}$/;
  var CODES = ["offensive", "abusive", "spam", "off-topic", "personal-data", "other"];
  var DONE = { approve: "Approved", reject: "Rejected", spam: "Marked as spam" };
  var policy = null;
  try {
    if (window.trustedTypes) policy = trustedTypes.createPolicy("moderation-preview", { createHTML: function (s) { return s; } });
  } catch (e) { /* no Trusted Types */ }

  var token = sessionStorage.getItem(KEY);
  var items = []; // {data, el, busy}
  var current = null;
  var cursor = null;
  var filters = { status: "pending", kind: "", article_id: "", min_toxicity: "", order: "oldest", site: "" };
  var me = null; // {moderator, role, sites}
  var siteList = []; // [{site_id, name, pending, more}]: the sites this moderator may see
  var loading = false;
  var generation = 0;
  var outcome = ""; // what the last action did, said again with the queue's summary after its reload

  function $(id) { return document.getElementById(id); }
  function h(tag, attrs) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v == null || v === false) return;
      if (k === "text") el.textContent = v;
      else if (k.slice(0, 2) === "on") el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    });
    for (var i = 2; i < arguments.length; i++) if (arguments[i] != null && arguments[i] !== false) el.append(arguments[i]);
    return el;
  }
  function say(text, bad) {
    var s = $("status");
    s.textContent = text;
    s.className = bad ? "status bad" : "status";
  }
  function when(iso) {
    var d = new Date(iso), s = (Date.now() - d.getTime()) / 1000, rel;
    var rtf = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
    if (s < 60) rel = rtf.format(0, "second");
    else if (s < 3600) rel = rtf.format(-Math.round(s / 60), "minute");
    else if (s < 86400) rel = rtf.format(-Math.round(s / 3600), "hour");
    else rel = rtf.format(-Math.round(s / 86400), "day");
    return h("time", { datetime: iso, title: d.toLocaleString(undefined, { dateStyle: "full", timeStyle: "long" }), text: rel });
  }

  /* ---------- API ---------- */
  // fields: what a 422 says of each field it refused ({"settings.poll_seconds": "…"}).
  function ApiError(status, message, fields) { this.status = status; this.message = message; this.fields = fields || {}; }
  function call(method, path, body) {
    return fetch(API + path, {
      method: method, cache: "no-store", credentials: "omit",
      headers: Object.assign({ Authorization: "Bearer " + token }, body ? { "Content-Type": "application/json" } : {}),
      body: body ? JSON.stringify(body) : undefined
    }).then(function (r) {
      if (r.status === 204) return null;
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.status === 401) {
          signOut("Your token was not accepted any more. Please sign in again.");
          throw new ApiError(401, "Signed out.");
        }
        if (!r.ok) {
          var error = data.error || {};
          throw new ApiError(r.status, error.message || "The server answered " + r.status + ".", error.fields);
        }
        return data;
      });
    }, function () { throw new ApiError(0, "The service cannot be reached. Check the connection and try again."); });
  }

  /* ---------- sign in ---------- */
  function signOut(message) {
    token = null;
    me = null;
    siteList = [];
    filters.site = "";
    sessionStorage.removeItem(KEY);
    $("app").hidden = true;
    $("accounts").hidden = true;
    $("sites").hidden = true;
    $("sections").hidden = true;
    $("site-bar").hidden = true;
    $("new-token").hidden = true;
    $("new-token-value").value = "";
    $("account-list").textContent = "";
    $("signout").hidden = true;
    $("who").textContent = "";
    $("login").hidden = false;
    $("login-error").textContent = message || "";
    $("token").value = "";
    $("token").focus();
  }
  function signedIn() {
    document.activeElement.blur();
    $("login").hidden = true;
    $("app").hidden = false;
    $("signout").hidden = false;
    call("GET", "me").then(function (who) {
      me = who;
      $("who").textContent = "Signed in as " + who.moderator + (who.role === "admin" ? " (admin)" : "");
      $("sections").hidden = false;
      document.querySelectorAll("[data-admin]").forEach(function (el) { el.hidden = who.role !== "admin"; });
      loadSites();
      route();
    }, function () {});
    reload();
  }
  $("login-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var given = $("token").value.trim();
    if (!given) return ($("login-error").textContent = "Please enter your token.");
    $("login-error").textContent = "";
    fetch(API + "queue?limit=1", { headers: { Authorization: "Bearer " + given }, cache: "no-store", credentials: "omit" }).then(function (r) {
      if (r.status === 401) throw new ApiError(401, "That token was not accepted.");
      if (!r.ok) throw new ApiError(r.status, "The service answered " + r.status + "; please try again.");
      token = given;
      sessionStorage.setItem(KEY, token);
      signedIn();
    }).catch(function (e) {
      $("login-error").textContent = e instanceof ApiError ? e.message : "The service cannot be reached.";
      $("token").focus();
    });
  });
  $("signout").addEventListener("click", function () { signOut("Signed out."); });

  /* ---------- the queue ---------- */
  function query() {
    var q = "queue?limit=" + PAGE + "&status=" + filters.status;
    if (filters.kind) q += "&kind=" + filters.kind;
    if (filters.article_id) q += "&article_id=" + encodeURIComponent(filters.article_id);
    if (filters.min_toxicity) q += "&min_toxicity=" + filters.min_toxicity;
    if (filters.order !== "oldest") q += "&order=" + filters.order;
    var site = currentSite();
    if (site) q += "&site=" + encodeURIComponent(site);
    return q + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "");
  }
  // What was shown stays until the new page arrives: a failed reload keeps it and says so.
  function reload(focus) {
    cursor = null;
    loading = false;
    generation++;
    loadMore(true, focus !== false);
  }
  function clear() {
    items.forEach(function (it) { it.el.remove(); });
    items = [];
    current = null;
  }
  function loadMore(first, focus) {
    if (loading) return;
    loading = true;
    var mine = generation;
    $("queue").setAttribute("aria-busy", "true");
    call("GET", query()).then(function (page) {
      if (mine !== generation) return; // the filters changed meanwhile
      if (first) clear();
      page.items.forEach(function (data) {
        if (items.some(function (it) { return it.data.id === data.id; })) return;
        var it = { data: data, busy: false };
        it.el = render(it);
        items.push(it);
        $("queue").append(it.el);
      });
      cursor = page.next_cursor;
      $("more").hidden = !cursor;
      if (first) say(outcome + summary());
      if (first) outcome = "";
      if (first && me) loadSites(); // fresh counts with every reload
      // Focus moves to the first entry only if the moderator is not busy elsewhere meanwhile.
      var idle = document.activeElement === document.body || $("queue").contains(document.activeElement);
      if (first || !current) select(items[0], !!focus && idle);
      refreshEmpty();
    }, function (e) {
      if (mine !== generation) return;
      var kept = items.length ? " Still showing the " + items.length + " entries loaded before." : "";
      say("Could not " + (first ? "reload" : "load more of") + " the queue: " + e.message + kept, true);
      if (first) refreshEmpty();
    }).finally(function () {
      if (mine !== generation) return;
      loading = false;
      $("queue").removeAttribute("aria-busy");
    });
  }
  // The site the queue shows: the one chosen, or a moderator's only site ("": all of them).
  function currentSite() { return filters.site || (siteList.length === 1 ? siteList[0].site_id : ""); }
  function summary() {
    var n = live().length, noun = filters.kind || "entr";
    noun += n === 1 ? (filters.kind ? "" : "y") : filters.kind ? "s" : "ies";
    return n + (cursor ? "+ " : " ") + filters.status + " " + noun + (filters.article_id ? " on " + filters.article_id : "") +
      (filters.site ? " of " + siteName(filters.site) : "") + ".";
  }
  function refreshEmpty() {
    var empty = !items.length;
    $("empty").hidden = !empty;
    $("empty").textContent = filters.status === "pending" ? "Nothing is waiting. The queue is clear." : "No entries match these filters.";
    $("all").checked = false;
    updateSelected();
  }

  function fact(label, value) {
    return value == null || value === "" ? null : h("div", {}, h("dt", { text: label }), h("dd", {}, value));
  }
  // A shortcut hint: shown to the eye (not on touch screens), kept out of the button's name.
  function key(k) { return h("kbd", { "aria-hidden": "true", text: k }); }
  // The text of sanitized HTML, parsed in an inert template (nothing loads or runs).
  function textOf(html) {
    var t = document.createElement("template");
    try { t.innerHTML = policy ? policy.createHTML(html) : html; } catch (e) { return html; }
    return t.content.textContent.trim();
  }
  // For a reply, the comment it answers: the queue item carries it, shown as text.
  function parentText(id, p) {
    if (!p) return h("span", { class: "muted", text: "#" + id });
    var text = textOf(p.body_html);
    return h("span", { class: "parent" }, h("span", { class: "muted", text: "#" + id + " by " }), h("strong", { text: p.author }),
      h("q", { text: text.length > 280 ? text.slice(0, 280) + "…" : text }));
  }
  // The article: its title as a link to its page when a submission named one (http and
  // https only), and its id.
  function article(d) {
    var id = h("code", { text: d.article_id });
    var url = d.article_url && /^https?:\/\//i.test(d.article_url) ? d.article_url : null;
    if (!url && !d.article_title) return id;
    var name = d.article_title || url;
    var title = url ? h("a", { href: url, target: "_blank", rel: "noopener noreferrer", class: "article", text: name })
      : h("span", { class: "article", text: name });
    return h("span", {}, title, " ", id);
  }
  function stars(n) {
    return h("span", { class: "stars", "aria-label": n + " out of 5 stars", role: "img", text: "★★★★★".slice(0, n) + "☆☆☆☆☆".slice(n) });
  }
  // The toxicity score (0 to 1, computed by the service) as words and a band, never colour alone.
  function toxicity(score) {
    if (score == null) return h("span", { class: "tox unknown", title: "Not scored: the text does not read as English.", text: "Toxicity unknown" });
    var band = score >= 0.8 ? ["high", "likely toxic"] : score >= 0.5 ? ["mid", "possibly toxic"] : ["low", "unlikely toxic"];
    // Two decimals, as the audit log shows it, but never rounded up into a band it missed.
    var shown = score.toFixed(2);
    if ((+shown >= 0.8) !== (score >= 0.8) || (+shown >= 0.5) !== (score >= 0.5)) shown = String(Math.floor(score * 100) / 100);
    return h("span", { class: "tox " + band[0], text: "Toxicity " + shown + " · " + band[1] });
  }
  /* ---------- authors: their record, bans, "always hold" ---------- */
  function authorFacts(d) {
    var a = d.author_history;
    if (!a) return null;
    var parts = [a.approved + " approved · " + a.rejected + " rejected · " + a.spam + " spam"];
    if (a.first_seen_at) parts.push(" · first seen ", when(a.first_seen_at));
    if (a.always_hold) parts.push(" · ", h("strong", { text: "always held" }));
    a.bans.forEach(function (b) { parts.push(" · ", h("strong", { class: "banned", text: "banned" + (b.expires_at ? " until " + new Date(b.expires_at).toLocaleDateString() : "") }), " (" + b.reason + ")"); });
    var span = h("span", { class: "record" });
    span.append.apply(span, parts);
    return span;
  }
  function banForm(it) {
    var d = it.data, reason = h("input", { name: "reason", required: true, maxlength: 1000, "aria-label": "Reason for the ban", placeholder: "Reason" });
    var days = h("select", { name: "days", "aria-label": "For how long" },
      h("option", { value: "1", text: "1 day" }), h("option", { value: "7", text: "7 days" }),
      h("option", { value: "30", text: "30 days" }), h("option", { value: "", text: "for good" }));
    var pending = h("input", { type: "checkbox", name: "reject_pending", checked: true });
    var form = h("form", { class: "reject ban", hidden: true, "aria-label": "Ban the author of entry " + d.id },
      reason, days, h("label", { class: "check" }, pending, " reject their pending entries"),
      h("button", { type: "submit", class: "no", text: "Ban" }),
      h("button", { type: "button", class: "quiet", text: "Cancel", onclick: function () { form.hidden = true; } }));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!reason.value.trim()) return reason.focus();
      var body = { entry_id: d.id, reason: reason.value.trim(), reject_pending: pending.checked, days: days.value ? +days.value : null };
      call("POST", "bans", body).then(function (ban) {
        outcome = "Banned the author of #" + d.id + (ban.rejected.length ? "; rejected " + ban.rejected.length + " pending entries. " : ". ");
        say(outcome);
        reload(false);
        loadBans();
      }, function (e) { say("Could not ban: " + e.message, true); });
    });
    return form;
  }
  function holdAuthor(it) {
    var hold = !(it.data.author_history && it.data.author_history.always_hold);
    call("POST", "entries/" + it.data.id + "/always-hold", { hold: hold }).then(function (entry) {
      outcome = (hold ? "Every entry of this author is now held: " : "No longer holding every entry of ") + label(it) + ". ";
      say(outcome);
      reload(false);
    }, function (e) { say(e.message, true); });
  }
  // The bans of the site the queue shows (a moderator's only site; else the default site).
  function loadBans() {
    var site = currentSite();
    call("GET", "bans" + (site ? "?site=" + encodeURIComponent(site) : "")).then(function (page) {
      var list = $("bans-list");
      list.replaceChildren();
      $("bans-status").textContent = page.items.length ? "" : "No bans in force.";
      page.items.forEach(function (b) {
        var who = (b.identity || (b.author ? b.author + " (anonymous, entry #" + b.entry_id + ")" : "entry #" + b.entry_id)) +
          (b.covers_client ? " and the browser it came from" : "");
        list.append(h("li", {}, h("strong", { text: who }), " · " + b.reason + " · by " + b.moderator + " · ",
          b.expires_at ? "until " + new Date(b.expires_at).toLocaleString() : "for good", " ",
          h("button", { type: "button", class: "quiet", text: "Lift", onclick: function () {
            call("POST", "bans/" + b.id + "/lift", null).then(function () { outcome = "Lifted the ban on " + who + ". "; say(outcome); loadBans(); reload(false); },
              function (e) { say(e.message, true); });
          } })));
      });
    }, function (e) { $("bans-status").textContent = e.message; });
  }
  $("bans").addEventListener("toggle", function () { if ($("bans").open) loadBans(); });
  // Closing a thread of the site the queue shows: its submissions are refused, reads go on.
  $("thread-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = ev.currentTarget.elements, id = f.article_id.value.trim(), site = currentSite();
    var verb = ev.submitter && ev.submitter.value === "reopen" ? "reopen" : "close";
    if (!id) return f.article_id.focus();
    var body = f.reason.value.trim() ? { reason: f.reason.value.trim() } : {};
    call("POST", "articles/" + encodeURIComponent(id) + "/" + verb + (site ? "?site=" + encodeURIComponent(site) : ""), body)
      .then(function (thread) {
        $("thread-status").textContent = "Thread " + id + (thread.closed ? " is closed: new comments are refused." : " is open.");
      }, function (e) { $("thread-status").textContent = "Could not " + verb + " the thread " + id + ": " + e.message; });
  });

  function render(it) {
    var d = it.data, id = d.id;
    var preview = h("div", { class: "preview", tabindex: "0", role: "group", "aria-labelledby": "p" + id + " t" + id });
    try { preview.innerHTML = policy ? policy.createHTML(d.body_html) : d.body_html; } catch (e) { preview.textContent = d.body_html; }
    var pick = h("input", { type: "checkbox", class: "pick", "aria-label": "Select entry " + id });
    pick.addEventListener("change", updateSelected);
    var reports = d.reports.length ? h("ul", { class: "reports" }) : null;
    d.reports.forEach(function (r) {
      reports.append(h("li", {}, r.reason || "(no reason given)", " · ", when(r.created_at)));
    });
    var history = h("ol", { class: "history", hidden: true, "aria-label": "Moderation history of entry " + id });
    var li = h("li", { class: "item", "data-id": id, "data-kind": d.kind, tabindex: "-1", "aria-labelledby": "t" + id },
      h("div", { class: "head" }, pick,
        h("h2", { id: "t" + id },
          h("span", { class: "kind " + d.kind, text: d.kind === "review" ? "Review" : d.parent_id ? "Reply" : "Comment" }),
          " ", h("span", { class: "author", text: d.author }), h("span", { class: "sr", text: ", entry " + id })),
        h("span", { class: "pill " + d.status, text: d.status }),
        toxicity(d.toxicity),
        h("span", { class: "muted" }, "#" + id + " · ", when(d.created_at))),
      h("dl", { class: "facts" },
        siteFact(d),
        fact("Article", article(d)),
        fact("Email", d.email ? h("span", { class: "email", text: d.email }) : h("span", { class: "muted", text: "none given" })),
        fact("Signed in", d.author_id ? h("span", {}, h("code", { text: d.author_id }), d.badge ? " · " + d.badge : "") : null),
        fact("Author's record", authorFacts(d)),
        fact("Edited", d.edited_at ? when(d.edited_at) : null),
        fact("Reply to", d.parent_id ? parentText(d.parent_id, d.parent) : null),
        fact("Rating", d.rating ? stars(d.rating) : null),
        fact("Title", d.title ? h("span", { class: "title", text: d.title }) : null),
        fact("Reports", d.report_count ? h("span", { class: "reported", text: String(d.report_count) }) : null),
        fact("Updated", d.updated_at !== d.created_at ? when(d.updated_at) : null)),
      reports,
      h("div", { class: "texts" },
        h("section", {}, h("h3", { id: "s" + id, text: "Sent text" }),
          h("pre", { class: "raw", text: d.body, tabindex: "0", role: "group", "aria-labelledby": "s" + id + " t" + id })),
        h("section", {}, h("h3", { id: "p" + id, text: "Public preview (sanitized)" }), preview)),
      history,
      h("div", { class: "acts" },
        h("button", { type: "button", class: "ok", "data-act": "approve", "aria-keyshortcuts": "a" }, "Approve", key("a")),
        h("button", { type: "button", class: "no", "data-act": "reject", "aria-expanded": "false", "aria-keyshortcuts": "r" }, "Reject…", key("r")),
        h("button", { type: "button", class: "spam", "data-act": "spam", "aria-keyshortcuts": "s" }, "Spam", key("s")),
        h("button", { type: "button", class: "quiet", "data-act": "history", "aria-expanded": "false", "aria-keyshortcuts": "h" },
          "History (" + d.history_length + ")", key("h")),
        d.status === "approved" && d.kind === "comment" && !d.parent_id
          ? h("button", { type: "button", class: "quiet", "data-act": "feature", "aria-pressed": d.featured_at ? "true" : "false" },
            "Editors' pick") : null,
        d.author_history ? h("button", { type: "button", class: "quiet", "data-act": "ban" }, "Ban author…") : null,
        d.author_history ? h("button", { type: "button", class: "quiet", "data-act": "hold" },
          d.author_history.always_hold ? "Stop holding author" : "Always hold author") : null),
      rejectForm(it), banForm(it));
    li.addEventListener("click", function (ev) {
      var b = ev.target.closest("[data-act]");
      if (b) act(it, b.getAttribute("data-act"));
      else if (!ev.target.closest("a, input, select, textarea, button, .preview")) select(it, false);
    });
    li.addEventListener("focusin", function () { if (current !== it) select(it, false); });
    return li;
  }
  function rejectForm(it) {
    var select = h("select", { name: "code", "aria-label": "Reason code" }, h("option", { value: "", text: "no code" }));
    CODES.forEach(function (c) { select.append(h("option", { value: c, text: c.replace("-", " ") })); });
    var form = h("form", { class: "reject", hidden: true, "aria-label": "Reject entry " + it.data.id },
      h("label", {}, "Reason ", select),
      h("label", { class: "grow" }, "Note for the record ", h("input", { name: "reason", maxlength: 1000, autocomplete: "off" })),
      h("button", { type: "submit", class: "no", text: "Reject" }),
      h("button", { type: "button", class: "quiet", text: "Cancel", onclick: function () { closeReject(it); } }));
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = {};
      if (form.elements.code.value) body.code = form.elements.code.value;
      if (form.elements.reason.value.trim()) body.reason = form.elements.reason.value.trim();
      closeReject(it, true);
      decide(it, "reject", body);
    });
    form.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { ev.preventDefault(); closeReject(it); }
    });
    return form;
  }
  function openReject(it) {
    var form = it.el.querySelector("form.reject");
    form.hidden = false;
    it.el.querySelector("[data-act=reject]").setAttribute("aria-expanded", "true");
    form.elements.code.focus();
  }
  function closeReject(it, keepFocus) {
    var form = it.el.querySelector("form.reject");
    form.hidden = true;
    form.reset();
    it.el.querySelector("[data-act=reject]").setAttribute("aria-expanded", "false");
    if (!keepFocus) it.el.focus();
  }

  function select(it, focus) {
    if (current && current.el) current.el.classList.remove("current");
    current = it || null;
    if (!current) return;
    current.el.classList.add("current");
    if (focus !== false) {
      current.el.focus({ preventScroll: true });
      current.el.scrollIntoView({ block: "nearest" });
    }
  }
  function live() { return items.filter(function (it) { return !it.busy; }); }
  function step(delta) {
    var list = live();
    if (!list.length) return;
    var i = list.indexOf(current);
    select(list[Math.max(0, Math.min(list.length - 1, i < 0 ? 0 : i + delta))]);
    if (delta > 0 && list.indexOf(current) >= list.length - 3 && cursor) loadMore(false);
  }
  function act(it, action) {
    if (!it || it.busy) return;
    select(it);
    if (action === "history") return toggleHistory(it);
    if (action === "ban") {
      var f = it.el.querySelector("form.ban");
      f.hidden = false;
      return f.elements.reason.focus();
    }
    if (action === "hold") return holdAuthor(it);
    if (action === "reject") return openReject(it);
    if (action === "feature") return feature(it);
    decide(it, action, null);
  }
  // An editors' pick is a toggle (aria-pressed); the entry stays where it is.
  function feature(it) {
    var on = !it.data.featured_at;
    it.busy = true;
    call("POST", "entries/" + it.data.id + "/" + (on ? "feature" : "unfeature"), null).then(function (entry) {
      var old = it.el;
      it.busy = false;
      it.data = entry;
      it.el = render(it);
      old.replaceWith(it.el);
      it.el.querySelector("[data-act=feature]").focus();
      say((on ? "Now an editors' pick: " : "No longer an editors' pick: ") + label(it) + ".");
    }, function (e) {
      it.busy = false;
      say("Could not change the editors' pick " + label(it) + ": " + e.message, true);
    });
  }
  // Optimistic: the next entry is selected at once, so a moderator can keep typing.
  function decide(it, action, body) {
    var list = live(), i = list.indexOf(it);
    it.busy = true;
    it.el.classList.add("busy");
    it.el.setAttribute("aria-disabled", "true");
    if (current === it) select(list[i + 1] || list[i - 1] || null, true);
    call("POST", "entries/" + it.data.id + "/" + action, body).then(function (entry) {
      say(DONE[action] + ": " + label(it) + ".");
      if (entry.status === filters.status) {
        var old = it.el;
        it.busy = false;
        it.data = entry;
        it.el = render(it);
        old.replaceWith(it.el);
      } else {
        drop(it);
      }
    }, function (e) {
      it.busy = false;
      it.el.classList.remove("busy");
      it.el.removeAttribute("aria-disabled");
      say("Could not " + action + " " + label(it) + ": " + e.message, true);
    });
  }
  function label(it) { return "#" + it.data.id + " by " + it.data.author; }
  function drop(it) {
    it.el.remove();
    items.splice(items.indexOf(it), 1);
    if (current === it) select(live()[0] || null);
    if (live().length < 5 && cursor) loadMore(false);
    refreshEmpty();
  }
  function toggleHistory(it) {
    var list = it.el.querySelector(".history"), button = it.el.querySelector("[data-act=history]");
    if (!list.hidden) {
      list.hidden = true;
      return button.setAttribute("aria-expanded", "false");
    }
    call("GET", "entries/" + it.data.id).then(function (detail) {
      list.textContent = "";
      if (!detail.history.length) list.append(h("li", { class: "muted", text: "No moderation yet." }));
      detail.history.forEach(function (ev) {
        list.append(h("li", {}, when(ev.created_at), " · ", h("strong", { text: ev.moderator }), " · " + ev.action +
          (ev.from_status ? " (" + ev.from_status + " → " + ev.to_status + ")" : "") +
          (ev.code ? " · " + ev.code : ""), ev.reason ? h("q", { text: ev.reason }) : null));
      });
      list.hidden = false;
      button.setAttribute("aria-expanded", "true");
    }, function (e) { say(e.message, true); });
  }

  /* ---------- bulk ---------- */
  function picked() {
    return items.filter(function (it) { return !it.busy && it.el.querySelector(".pick").checked; });
  }
  function updateSelected() {
    var n = picked().length;
    $("selected").textContent = n ? n + " selected" : "none selected";
    document.querySelectorAll("[data-bulk]").forEach(function (b) { b.disabled = !n; });
  }
  function bulk(action) {
    var chosen = picked();
    if (!chosen.length) return say("Select entries first (x, or the checkboxes).", true);
    var body = { action: action, ids: chosen.map(function (it) { return it.data.id; }) };
    if (action === "reject" && $("bulk-code").value) body.code = $("bulk-code").value;
    chosen.forEach(function (it) { it.busy = true; it.el.classList.add("busy"); });
    if (current && current.busy) select(live()[0] || null);
    call("POST", "entries/bulk", body).then(function (res) {
      var ok = 0, failed = [];
      res.results.forEach(function (r) {
        var it = chosen.filter(function (c) { return c.data.id === r.id; })[0];
        if (!it) return;
        if (r.error) {
          it.busy = false;
          it.el.classList.remove("busy");
          failed.push("#" + r.id + " (" + r.error.message + ")");
        } else {
          ok++;
          drop(it);
        }
      });
      say(DONE[action] + ": " + ok + (ok === 1 ? " entry" : " entries") + "." + (failed.length ? " Failed: " + failed.join(", ") : ""), failed.length > 0);
      updateSelected();
    }, function (e) {
      chosen.forEach(function (it) { it.busy = false; it.el.classList.remove("busy"); });
      say(e.message, true);
    });
  }
  document.querySelectorAll("[data-bulk]").forEach(function (b) {
    b.addEventListener("click", function () { bulk(b.getAttribute("data-bulk")); });
  });
  $("all").addEventListener("change", function () {
    live().forEach(function (it) { it.el.querySelector(".pick").checked = $("all").checked; });
    updateSelected();
  });

  /* ---------- filters and keys ---------- */
  $("filters").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = ev.currentTarget.elements, article = f.article_id.value.trim();
    if (article && !ID.test(article)) {
      f.article_id.setAttribute("aria-invalid", "true");
      return say("An article id has 1 to 128 of A-Z a-z 0-9 . _ : ~ - and starts with a letter or digit.", true);
    }
    // An article id belongs to one site: without a site chosen it is the default site's.
    if (article && !filters.site && siteList.length > 1 && !siteList.some(function (x) { return x.site_id === "default"; })) {
      f.article_id.setAttribute("aria-invalid", "true");
      return say("Choose one of your sites above to filter by article.", true);
    }
    f.article_id.removeAttribute("aria-invalid");
    filters = { status: f.status.value, kind: f.kind.value, article_id: article, min_toxicity: f.min_toxicity.value, order: f.order.value, site: filters.site };
    // Enter or "Show": go on to the entries; a changed select keeps focus.
    if (ev.submitter) document.activeElement.blur();
    reload(!!ev.submitter);

  });
  $("filters").addEventListener("change", function (ev) {
    if (ev.target.tagName === "SELECT") $("filters").requestSubmit();
  });
  $("refresh").addEventListener("click", function () { reload(true); });
  $("more").addEventListener("click", function () { loadMore(false); });

  document.addEventListener("keydown", function (ev) {
    if (!token || $("app").hidden || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    var t = ev.target;
    if (t.closest && t.closest("input:not([type=checkbox]), textarea, select")) return;
    var key = ev.key, handled = true;
    if (key === "j" || key === "ArrowDown") step(1);
    else if (key === "k" || key === "ArrowUp") step(-1);
    else if (key === "a") act(current, "approve");
    else if (key === "r") act(current, "reject");
    else if (key === "s") act(current, "spam");
    else if (key === "h") act(current, "history");
    else if (key === "x" && current && !current.busy) {
      var box = current.el.querySelector(".pick");
      box.checked = !box.checked;
      updateSelected();
    }
    else if (key === "A") bulk("approve");
    else if (key === "R") bulk("reject");
    else if (key === "S") bulk("spam");
    else if (key === "g") reload(true);
    else if (key === "/") $("filters").elements.article_id.focus();
    else if (key === "?") { $("help").open = !$("help").open; $("help").querySelector("summary").focus(); }
    else handled = false;
    if (handled) ev.preventDefault();
  });

  function barHeight() {
    document.documentElement.style.setProperty("--bar", $("bulk").offsetHeight + "px");
  }
  if (window.ResizeObserver) new ResizeObserver(barHeight).observe($("bulk"));
  window.addEventListener("resize", barHeight);

  /* ---------- sections: the queue, and for admins sites and accounts ---------- */
  function route() {
    if (!token || !me) return;
    var want = (location.hash || "#queue").slice(1);
    if (["queue", "sites", "accounts"].indexOf(want) < 0 || (want !== "queue" && me.role !== "admin")) want = "queue";
    var shown = want === "queue" ? "app" : want;
    ["app", "sites", "accounts"].forEach(function (id) { $(id).hidden = id !== shown; });
    document.querySelectorAll("#sections a").forEach(function (a) {
      if (a.getAttribute("data-section") === shown) a.setAttribute("aria-current", "page");
      else a.removeAttribute("aria-current");
    });
    if (want === "accounts") loadAccounts();
    if (want === "sites") loadSiteAdmin();
  }
  window.addEventListener("hashchange", function () {
    route();
    if (!$("app").hidden) reload(false);
  });

  /* ---------- the sites this moderator sees, with their pending counts ---------- */
  function siteName(id) {
    var found = siteList.filter(function (x) { return x.site_id === id; })[0];
    return found && found.name && found.name !== id ? found.name + " (" + id + ")" : id;
  }
  function pendingText(x) { return (x.more ? x.pending + "+" : String(x.pending)) + " pending"; }
  function loadSites() {
    return call("GET", "queue/sites").then(function (res) {
      siteList = res.items;
      if (filters.site && !siteList.some(function (x) { return x.site_id === filters.site; })) filters.site = "";
      renderSiteBar();
      renderSiteChoice();
      showSites();
    }, function () { siteList = []; renderSiteBar(); renderSiteChoice(); showSites(); });
  }
  // Each entry's site, shown while the moderator sees more than one site; the list of sites
  // may arrive after the queue, so the rows are there, hidden, and shown then.
  function siteFact(d) {
    return h("div", { class: "site-fact", hidden: siteList.length < 2 }, h("dt", { text: "Site" }), h("dd", { text: siteName(d.site) }));
  }
  function showSites() {
    items.forEach(function (it) {
      var row = it.el.querySelector(".site-fact");
      row.hidden = siteList.length < 2;
      row.querySelector("dd").textContent = siteName(it.data.site);
    });
  }
  function renderSiteBar() {
    var bar = $("site-bar");
    var focused = bar.contains(document.activeElement) ? document.activeElement.getAttribute("data-site") : null;
    bar.textContent = "";
    bar.hidden = !siteList.length;
    if (!siteList.length) return;
    if (siteList.length === 1) {
      var only = siteList[0];
      bar.append(h("span", { class: "site only" }, h("span", { class: "site-name", text: siteName(only.site_id) }),
        h("span", { class: "count", text: pendingText(only) })));
      return;
    }
    [{ site_id: "", name: "All your sites" }].concat(siteList).forEach(function (x) {
      var b = h("button", { type: "button", class: "site", "data-site": x.site_id, "aria-pressed": String(filters.site === x.site_id) },
        h("span", { class: "site-name", text: x.site_id ? siteName(x.site_id) : x.name }),
        x.site_id ? h("span", { class: "count", text: pendingText(x) }) : null);
      b.addEventListener("click", function () {
        filters.site = x.site_id;
        renderSiteBar();
        reload(false);
      });
      bar.append(b);
      if (focused === x.site_id) b.focus();
    });
  }

  /* ---------- accounts (admins) ---------- */
  function renderSiteChoice() {
    var box = $("account-sites");
    box.querySelectorAll("label, p").forEach(function (el) { el.remove(); });
    if (!siteList.length) return box.append(h("p", { class: "muted", text: "No sites to choose from." }));
    siteList.forEach(function (x) {
      box.append(h("label", { class: "check" }, h("input", { type: "checkbox", name: "sites", value: x.site_id }), " " + siteName(x.site_id)));
    });
    syncRole();
  }
  function syncRole() {
    var admin = $("account-role").value === "admin";
    $("account-sites").disabled = admin;
    $("account-sites").hidden = admin;
  }
  $("account-role").addEventListener("change", syncRole);
  function accountsSay(text, bad) {
    $("accounts-status").textContent = text;
    $("accounts-status").className = bad ? "status bad" : "status";
  }
  function loadAccounts() {
    return call("GET", "accounts").then(function (res) { renderAccounts(res.items); }, function (e) {
      accountsSay("Could not load the accounts: " + e.message, true);
    });
  }
  function dateText(iso) { return iso ? when(iso) : h("span", { class: "muted", text: "never" }); }
  function renderAccounts(list) {
    var ul = $("account-list");
    ul.textContent = "";
    if (!list.length) ul.append(h("li", { class: "muted", text: "No accounts yet. COMMENTS_ADMIN_TOKENS names act as admins." }));
    list.forEach(function (a) { ul.append(renderAccount(a)); });
  }
  function renderAccount(a) {
    var tokens = h("ul", { class: "tokens", "aria-label": "Tokens of " + a.name });
    a.tokens.forEach(function (t) {
      tokens.append(h("li", { class: t.revoked_at ? "revoked" : "" },
        h("span", { text: "Token " + t.id + (t.label ? " “" + t.label + "”" : "") }), " · created ", when(t.created_at),
        " · last used ", dateText(t.last_used_at),
        t.revoked_at ? h("span", {}, " · revoked ", when(t.revoked_at)) :
          h("button", { type: "button", class: "no small", "aria-label": "Revoke token " + t.id + " of " + a.name, text: "Revoke",
            onclick: function () { revokeToken(a, t); } })));
    });
    var title = h("h3", { id: "a" + a.id, tabindex: "-1" }, h("span", { class: "author", text: a.name }), " ",
      h("span", { class: "pill", text: a.role }), a.disabled ? h("span", { class: "pill rejected", text: "disabled" }) : null);
    var del = h("button", { type: "button", class: "no", text: "Delete…" });
    del.addEventListener("click", function () {
      if (del.getAttribute("data-confirm")) return deleteAccount(a);
      del.setAttribute("data-confirm", "1");
      del.textContent = "Really delete " + a.name + "?";
    });
    del.addEventListener("blur", function () { del.removeAttribute("data-confirm"); del.textContent = "Delete…"; });
    return h("li", { class: "card account", "aria-labelledby": "a" + a.id },
      title,
      h("dl", { class: "facts" },
        fact("Sites", a.role === "admin" ? "every site" : a.sites.map(siteName).join(", ")),
        fact("Last used", dateText(a.last_used_at)),
        fact("Created", when(a.created_at))),
      tokens,
      h("div", { class: "acts" },
        h("button", { type: "button", text: "New token", "aria-label": "New token for " + a.name, onclick: function () { newToken(a); } }),
        h("button", { type: "button", class: "quiet", text: a.disabled ? "Enable" : "Disable",
          "aria-label": (a.disabled ? "Enable " : "Disable ") + a.name, onclick: function () { setDisabled(a, !a.disabled); } }),
        del));
  }
  function showToken(name, value) {
    $("new-token-title").textContent = "Token for " + name;
    $("new-token-value").value = value;
    $("new-token").hidden = false;
    $("new-token-value").focus();
    $("new-token-value").select();
  }
  $("copy-token").addEventListener("click", function () {
    var value = $("new-token-value").value;
    var done = function () { accountsSay("The token is copied."); };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(value).then(done, function () {
      $("new-token-value").select();
      accountsSay("Copying was not allowed: the token is selected, copy it with Ctrl+C.", true);
    });
    else { $("new-token-value").select(); accountsSay("The token is selected: copy it with Ctrl+C.", true); }
  });
  $("dismiss-token").addEventListener("click", function () {
    $("new-token").hidden = true;
    $("new-token-value").value = "";
    $("account-name").focus();
  });
  $("account-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = ev.currentTarget.elements, role = f.role.value;
    var sites = role === "admin" ? [] : Array.prototype.filter.call($("account-sites").querySelectorAll("input[name=sites]"),
      function (c) { return c.checked; }).map(function (c) { return c.value; });
    var body = { name: f.name.value.trim(), role: role, sites: sites };
    if (f.label.value.trim()) body.label = f.label.value.trim();
    $("account-error").textContent = "";
    if (role !== "admin" && !sites.length) return ($("account-error").textContent = "Tick at least one site for a moderator.");
    call("POST", "accounts", body).then(function (made) {
      ev.target.reset();
      syncRole();
      accountsSay("Created " + made.account.name + ".");
      showToken(made.account.name, made.token.token);
      loadAccounts();
    }, function (e) { $("account-error").textContent = e.message; });
  });
  function newToken(a) {
    call("POST", "accounts/" + a.id + "/tokens", {}).then(function (t) {
      accountsSay("New token for " + a.name + ".");
      showToken(a.name, t.token);
      loadAccounts();
    }, function (e) { accountsSay(e.message, true); });
  }
  function revokeToken(a, t) {
    call("DELETE", "accounts/" + a.id + "/tokens/" + t.id).then(function () {
      accountsSay("Revoked token " + t.id + " of " + a.name + ".");
      loadAccounts().then(function () { var head = $("a" + a.id); if (head) head.focus(); });
    }, function (e) { accountsSay(e.message, true); });
  }
  function setDisabled(a, disabled) {
    call("PATCH", "accounts/" + a.id, { disabled: disabled }).then(function () {
      accountsSay((disabled ? "Disabled " : "Enabled ") + a.name + ".");
      loadAccounts();
    }, function (e) { accountsSay(e.message, true); });
  }
  function deleteAccount(a) {
    call("DELETE", "accounts/" + a.id).then(function () {
      accountsSay("Deleted " + a.name + ".");
      loadAccounts();
    }, function (e) { accountsSay(e.message, true); });
  }

  /* ---------- sites (admins) ---------- */
  // What an admin may change of a site (schemas/sites.py SiteSettingsIn), by topic. kind:
  // "choice", "int", "list" (one per line), "text", "long" (several lines), "secret" (write-only:
  // shown as set or not set, never its value). "own": other sites never take the default
  // site's value (domain/sites.py _OWN), so not set is none.
  var SITE_SETTINGS = [
    { legend: "Moderation", fields: [
      { key: "moderation_mode", label: "Moderation mode", kind: "choice", options: [
        ["pre", "Before publishing: every entry waits for a moderator"], ["post", "After publishing: entries appear at once"]] },
      { key: "banned_words", label: "Banned words", kind: "list",
        hint: "One word or phrase per line; an entry with one is marked as spam. “default” adds the built-in list, a trailing * matches the words it begins." },
      { key: "suspect_words", label: "Suspect words", kind: "list", hint: "One word or phrase per line; an entry with one waits for a moderator." },
      { key: "max_links", label: "Link limit", kind: "int", hint: "An entry with more links waits for a moderator." },
      { key: "report_threshold", label: "Report threshold", kind: "int", hint: "Open reports that take a published entry back to the queue; 0: off." },
      { key: "trusted_after", label: "Trusted after", kind: "int", hint: "Approved entries after which an author is published at once; 0: off." },
      { key: "ban_mode", label: "Ban mode", kind: "choice", options: [
        ["refuse", "Refuse: a banned author is told"], ["hold", "Hold: a banned author's entries wait, silently"]] }
    ] },
    { legend: "Readers and sign-in", fields: [
      { key: "who_may_comment", label: "Who may comment", kind: "choice", options: [
        ["anyone", "Anyone"], ["signed-in", "Signed-in readers only (needs a sign-in key)"]] },
      { key: "close_after_days", label: "Close threads after (days)", kind: "int", hint: "After the article's date or its first entry.", none: "never" },
      { key: "edit_window_minutes", label: "Edit window (minutes)", kind: "int", hint: "How long authors may edit what they sent; 0: never." },
      { key: "login_url", label: "Login URL", kind: "text", type: "url", own: true, hint: "Where “Sign in to comment” leads." },
      { key: "sso_secret", label: "Sign-in key (HS256)", kind: "secret", own: true, hint: "32 characters or more; type a new one to replace it." },
      { key: "sso_public_key", label: "Sign-in public key (RS256, PEM)", kind: "long", own: true },
      { key: "sso_issuer", label: "Token issuer", kind: "text", own: true, hint: "The iss every token must name." },
      { key: "badges", label: "Badges", kind: "list", hint: "One label per line, besides staff." }
    ] },
    { legend: "Widget", fields: [
      { key: "reaction_label", label: "Reaction label", kind: "text", hint: "The name of the one positive reaction, e.g. Respect." },
      { key: "comment_order", label: "Comment order", kind: "choice", options: [
        ["oldest", "Oldest first"], ["newest", "Newest first"], ["reactions", "Most reactions first"], ["replies", "Most replies first"]] },
      { key: "review_order", label: "Review order", kind: "choice", options: [
        ["newest", "Newest first"], ["highest", "Highest rating first"], ["lowest", "Lowest rating first"], ["helpful", "Most helpful first"]] },
      { key: "poll_seconds", label: "Check for new comments every (seconds)", kind: "int", hint: "0: never; else 5 or more." },
      { key: "cache_max_age", label: "Cache max-age (seconds)", kind: "int", hint: "How long caches may keep a thread." }
    ] },
    { legend: "Webhook", fields: [
      { key: "webhook_url", label: "Webhook URL", kind: "text", type: "url", own: true },
      { key: "webhook_secret", label: "Webhook secret", kind: "secret", own: true, hint: "16 characters or more; signs every event. Type a new one to replace it." }
    ] },
    { legend: "Mail", fields: [
      { key: "mail_from_name", label: "Mail sender name", kind: "text" },
      { key: "mail_from_address", label: "Mail sender address", kind: "text", type: "email" },
      { key: "mail_language", label: "Mail language", kind: "text", hint: "A code like en or de." }
    ] }
  ];
  var SETTING_LABEL = {};
  SITE_SETTINGS.forEach(function (g) { g.fields.forEach(function (f) { SETTING_LABEL[f.key] = f.label; }); });

  function sitesSay(text, bad) {
    $("sites-status").textContent = text;
    $("sites-status").className = bad ? "status bad" : "status";
  }
  function loadSiteAdmin() {
    loadSites();
    return call("GET", "sites").then(function (res) { renderSiteAdmin(res.items || []); }, function (e) {
      sitesSay("Could not load the sites: " + e.message, true);
    });
  }
  function renderSiteAdmin(list) {
    var ul = $("site-list");
    ul.textContent = "";
    list.forEach(function (x) {
      var counted = siteList.filter(function (c) { return c.site_id === x.id; })[0];
      var own = (x.custom || []).map(function (k) { return SETTING_LABEL[k] || k; });
      var li = h("li", { class: "card account", "aria-labelledby": "sitehead-" + x.id },
        h("h3", { id: "sitehead-" + x.id, tabindex: "-1" }, h("span", { text: x.name || x.id }), " ", h("code", { text: x.id })),
        h("dl", { class: "facts" },
          fact("Origins", (x.origins || []).join(", ") || h("span", { class: "muted", text: "none" })),
          fact("Own settings", own.join(", ") || h("span", { class: "muted", text: "none: the deployment's" })),
          fact("Queue", counted ? pendingText(counted) : null)));
      var edit = h("button", { type: "button", "aria-expanded": "false", "aria-label": "Edit settings of " + (x.name || x.id), text: "Edit settings" });
      var form = null; // built when first opened
      var close = function () { form.hidden = true; edit.setAttribute("aria-expanded", "false"); edit.focus(); };
      edit.addEventListener("click", function () {
        if (!form) li.append(form = siteEditForm(x, close));
        form.hidden = !form.hidden;
        edit.setAttribute("aria-expanded", String(!form.hidden));
        if (!form.hidden) form.elements.name.focus();
      });
      li.append(h("div", { class: "acts" }, edit));
      ul.append(li);
    });
  }

  // One setting's row: its control showing the value in force, a "deployment default" box
  // (ticked: the site does not set it; ticking it resets it) and the API's error for it.
  function settingRow(x, f) {
    var id = "set-" + x.id + "-" + f.key, value = x.settings[f.key], custom = (x.custom || []).indexOf(f.key) >= 0;
    var control;
    if (f.kind === "choice") {
      control = h("select", { id: id, name: f.key });
      f.options.forEach(function (o) { control.append(h("option", { value: o[0], text: o[1] })); });
    } else if (f.kind === "list" || f.kind === "long") {
      control = h("textarea", { id: id, name: f.key, rows: f.kind === "long" ? 4 : 3, spellcheck: "false",
        placeholder: f.kind === "list" && value == null ? "the deployment's list" : null });
    } else {
      control = h("input", { id: id, name: f.key, type: f.kind === "secret" ? "password" : f.type || "text", autocomplete: f.kind === "secret" ? "new-password" : "off",
        inputmode: f.kind === "int" ? "numeric" : null, spellcheck: "false", placeholder: value == null ? f.none : null });
    }
    var shown = f.kind === "secret" ? "" : f.kind === "list" ? (value || []).join("\n") : value == null ? "" : String(value);
    control.value = shown;
    var note = h("p", { id: id + "-note", class: "muted hint" },
      f.kind === "secret" ? h("strong", { text: value ? "Set. " : "Not set. " }) : null, f.hint || null);
    var error = h("p", { id: id + "-error", class: "error" });
    control.setAttribute("aria-describedby", id + "-note " + id + "-error");
    var fallback = f.own && x.id !== "default" ? "Not set" : "Use the deployment default";
    var reset = h("input", { type: "checkbox", name: "default", checked: !custom });
    var row = h("div", { class: custom ? "setting own" : "setting" },
      h("label", { for: id, text: f.label }), control, note,
      h("label", { class: "check" }, reset, " " + fallback, h("span", { class: "sr", text: " for " + f.label })), error);
    control.addEventListener("input", function () { reset.checked = false; row.classList.add("own"); });
    reset.addEventListener("change", function () {
      row.classList.toggle("own", !reset.checked);
      if (reset.checked) control.value = shown;
    });
    return { key: f.key, kind: f.kind, label: f.label, custom: custom, control: control, reset: reset, error: error, el: row };
  }
  // What a row sends: nothing (unchanged), null (back to the default) or the value typed;
  // a number that is not one goes as typed, for the API to name the mistake.
  function settingValue(r) {
    if (r.reset.checked) return r.custom ? null : undefined;
    var text = r.control.value;
    if (r.kind === "secret") return text ? text : undefined;
    if (r.kind === "list") return text.split("\n").map(function (w) { return w.trim(); }).filter(function (w) { return w; });
    if (r.kind === "int") return /^\s*\d+\s*$/.test(text) ? +text : text.trim();
    return r.kind === "long" ? text : text.trim();
  }
  function fieldError(r, message) {
    r.error.textContent = message || "";
    if (message) r.control.setAttribute("aria-invalid", "true");
    else r.control.removeAttribute("aria-invalid");
  }
  // A site's name, origins and settings (the default site's origins are COMMENTS_ALLOWED_ORIGINS).
  function siteEditForm(x, close) {
    var isDefault = x.id === "default";
    var rows = {};
    var name = h("input", { id: "set-" + x.id + "-name", name: "name", required: true, maxlength: 200, autocomplete: "off", value: x.name || "" });
    var origins = h("textarea", { id: "set-" + x.id + "-origins", name: "origins", rows: 2, spellcheck: "false", disabled: isDefault });
    origins.value = (x.origins || []).join("\n");
    [["name", "Name", name], ["origins", "Origins", origins]].forEach(function (n) {
      var error = h("p", { id: n[2].id + "-error", class: "error" });
      n[2].setAttribute("aria-describedby", n[2].id + "-error");
      rows[n[0]] = { key: n[0], label: n[1], control: n[2], error: error };
    });
    var status = h("p", { class: "status", role: "status", "aria-live": "polite" });
    var form = h("form", { class: "form-grid site-settings", hidden: true, novalidate: true, "aria-label": "Edit the site " + x.id },
      h("fieldset", {}, h("legend", { text: "Site" }),
        h("label", { for: name.id, text: "Name" }), name, rows.name.error,
        h("label", { for: origins.id, text: "Origins (one per line)" + (isDefault ? ": COMMENTS_ALLOWED_ORIGINS for the default site" : "") }),
        origins, rows.origins.error));
    SITE_SETTINGS.forEach(function (g) {
      var set = h("fieldset", {}, h("legend", { text: g.legend }));
      g.fields.forEach(function (f) { var r = rows[f.key] = settingRow(x, f); set.append(r.el); });
      form.append(set);
    });
    form.append(h("div", { class: "acts" }, h("button", { type: "submit", class: "primary", text: "Save" }),
      h("button", { type: "button", class: "quiet", text: "Cancel", onclick: close })), status);
    form.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { ev.preventDefault(); close(); } });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var body = { name: name.value.trim(), settings: {} };
      if (!isDefault) body.origins = origins.value.split(/[\s,]+/).filter(function (o) { return o; });
      Object.keys(rows).forEach(function (key) {
        fieldError(rows[key], "");
        if (!rows[key].reset) return;
        var value = settingValue(rows[key]);
        if (value !== undefined) body.settings[key] = value;
      });
      status.textContent = "Saving…";
      status.className = "status";
      sitesSay(""); // said again once saved, even in the same words
      call("PATCH", "sites/" + encodeURIComponent(x.id), body).then(function (saved) {
        sitesSay("Saved the site " + (saved.name || saved.id) + ".");
        loadSiteAdmin().then(function () { var head = $("sitehead-" + x.id); if (head) head.focus(); });
      }, function (e) { showSiteErrors(e, rows, status); });
    });
    return form;
  }
  // The API's 422 names fields ("settings.poll_seconds", "origins.0"): each message goes next
  // to its field, the list to the form's status, and focus to the first field to fix.
  function showSiteErrors(e, rows, status) {
    var named = [], first = null;
    Object.keys(e.fields || {}).forEach(function (path) {
      var key = path.replace(/^settings\./, "").split(".")[0], r = rows[key];
      if (!r) return named.push(e.fields[path]);
      fieldError(r, e.fields[path]);
      named.push(r.label + ": " + e.fields[path]);
      if (!first) first = r.control;
    });
    status.textContent = "Not saved. " + (named.length ? named.join(" ") : e.message);
    status.className = "status bad";
    if (first) first.focus();
  }
  $("site-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var f = ev.currentTarget.elements;
    var origins = f.origins.value.split(/[\s,]+/).filter(function (o) { return o; });
    $("site-error").textContent = "";
    call("POST", "sites", { id: f.id.value.trim(), name: f.name.value.trim(), origins: origins }).then(function (x) {
      ev.target.reset();
      sitesSay("Created the site " + (x.name || x.id) + ".");
      loadSiteAdmin();
    }, function (e) { $("site-error").textContent = e.message; });
  });

  /* ---------- my mail: each entry, a digest, or none ---------- */
  $("mail-prefs").addEventListener("toggle", function () {
    if (!$("mail-prefs").open || !token) return;
    var form = $("mail-form");
    call("GET", "me/notifications").then(function (p) {
      form.elements.email.value = p.email || "";
      form.elements.mode.value = p.mode;
      form.elements.digest_minutes.value = String(p.digest_minutes);
      $("mail-status").textContent = p.mail_configured ? "" : "This service sends no mail (COMMENTS_SMTP_URL is not set).";
    }, function (e) { $("mail-status").textContent = e.message; });
  });
  $("mail-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var el = ev.currentTarget.elements;
    var body = { email: el.email.value.trim() || null, mode: el.mode.value, digest_minutes: +el.digest_minutes.value };
    call("PUT", "me/notifications", body).then(function () { $("mail-status").textContent = "Saved."; },
      function (e) { $("mail-status").textContent = e.message; });
  });

  if (token) signedIn();
  else signOut();
})();
