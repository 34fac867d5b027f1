// A teaching assistant's day (/today): each form is sent by fetch, so that when the network is
// down what was entered is kept on this tablet (localStorage) and sent when the connection is
// back (the "online" event, the next page load, or every half minute meanwhile). Each session
// form carries the session_id made when the page opened: sending it again records nothing new.
// Without this script the forms post and come back as any other form does.
(function () {
  "use strict";

  var STORE = "apdr.today.kept";
  var KEPT = "Saved on this tablet: will send when the connection is back.";
  var NOT_YET = "Saved on this tablet: not sent yet (sign in again, or wait for the record to be reachable).";
  var sending = false;

  function everyonesKept() {
    try {
      return JSON.parse(window.localStorage.getItem(STORE) || "[]");
    } catch (e) {
      return [];
    }
  }

  // Who is signed in: a session is sent only by the person who recorded it, never under
  // the name of whoever signs in next on a shared tablet.
  function user() {
    var status = document.getElementById("today-kept");
    return status ? status.dataset.user : "";
  }

  function kept() {
    return everyonesKept().filter(function (e) { return e.user === user(); });
  }

  function store(entries) {
    var others = everyonesKept().filter(function (e) { return e.user !== user(); });
    window.localStorage.setItem(STORE, JSON.stringify(others.concat(entries)));
    summarise();
  }

  function remember(entry) {
    store(kept().filter(function (e) { return e.id !== entry.id; }).concat([entry]));
  }

  function forget(id) {
    store(kept().filter(function (e) { return e.id !== id; }));
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // The same session sent twice is one session: its session_id names it. A missed session is
  // one per group and day, which its address and day name.
  function entryOf(form) {
    var data = new FormData(form);
    var day = data.get("delivered_on") || data.get("scheduled_on") || "";
    return {
      user: user(),
      id: data.get("session_id") || form.getAttribute("action") + "@" + day,
      action: form.getAttribute("action"),
      body: new URLSearchParams(data).toString(),
    };
  }

  function formOf(entry) {
    var forms = document.querySelectorAll("form[data-keep-offline]");
    for (var i = 0; i < forms.length; i++) {
      if (entryOf(forms[i]).id === entry.id) {
        return forms[i];
      }
    }
    return null;
  }

  function say(form, words) {
    var status = form && form.querySelector("[data-kept]");
    if (status) {
      status.textContent = words;
    }
  }

  function summarise() {
    var status = document.getElementById("today-kept");
    if (!status) {
      return;
    }
    var n = kept().length;
    status.textContent = n === 0 ? "" :
      (n === 1 ? "1 entry is" : n + " entries are") + " saved on this tablet: will send when the connection is back.";
  }

  // An answer from the record (saved, already saved, or the form's errors) ends an entry;
  // the sign-in page or an unreachable record does not: it is kept and sent again later.
  function isAnswer(response) {
    if (response.status >= 400 && response.status < 500) {
      return true;
    }
    return response.ok && new URL(response.url).pathname === "/today";
  }

  function post(entry) {
    return fetch(entry.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "text/html",
        "X-CSRF-Token": csrfToken(),
      },
      body: entry.body,
    });
  }

  function deliver(entry) {
    return post(entry).then(
      function (response) {
        if (!isAnswer(response)) {
          remember(entry);
          say(formOf(entry), NOT_YET);
          return false;
        }
        forget(entry.id);
        return show(response).then(function () { return true; });
      },
      function () {
        remember(entry);
        say(formOf(entry), KEPT);
        return false;
      }
    );
  }

  // The page the record answered with, in place of this one: what was saved, or the form again
  // with its errors beside its fields.
  function show(response) {
    return response.text().then(function (html) {
      var answer = new DOMParser().parseFromString(html, "text/html");
      var main = answer.querySelector("main");
      if (!main) {
        return;
      }
      document.querySelector("main").innerHTML = main.innerHTML;
      document.title = answer.title;
      if (new URL(response.url).pathname === "/today") {
        window.history.replaceState(null, "", response.url);
      }
      summarise();
      kept().forEach(function (entry) { say(formOf(entry), KEPT); });
      var focus = document.getElementById("error-summary") || document.getElementById("saved-notice");
      if (focus) {
        focus.focus();
      }
    });
  }

  // Every entry kept on this tablet, one after another; stops at the first that cannot go.
  function sendKept() {
    if (sending) {
      return;
    }
    var entries = kept();
    if (entries.length === 0) {
      return;
    }
    sending = true;
    var next = function (i) {
      if (i >= entries.length) {
        return Promise.resolve();
      }
      return deliver(entries[i]).then(function (sent) { return sent ? next(i + 1) : undefined; });
    };
    next(0).finally(function () { sending = false; });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-keep-offline]")) {
      return;
    }
    event.preventDefault();
    if (form.dataset.sending) {
      return; // a double tap: the first is on its way
    }
    form.dataset.sending = "yes";
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
    }
    say(form, "Sending…");
    deliver(entryOf(form)).finally(function () {
      delete form.dataset.sending;
      if (button) {
        button.disabled = false;
      }
    });
  });

  window.addEventListener("online", sendKept);
  window.setInterval(sendKept, 30000);
  document.addEventListener("DOMContentLoaded", function () {
    summarise();
    var notice = document.getElementById("saved-notice");
    if (notice && !document.getElementById("error-summary")) {
      notice.focus();
    }
    sendKept();
  });
})();
