() => {
  // The page's own behaviour, beside Gradio's: a [n] shows a preview of its passage,
  // a [n] or a source card opens the passage in its article beside the chat (a sheet
  // over the page on a phone), "Copy with sources" copies an answer with what its [n]
  // stand for. Listeners on the document, so answers streamed in later (and chats
  // restored after a reload) work without re-wiring.
  if (window.hrPageWired) return;
  window.hrPageWired = true;
  // The words this script shows itself, per interface language, and the words of Gradio's
  // that it swaps (under "gradio", by Gradio's English), from ui/texts.py (ui/app.py,
  // page_script).
  const WORDS = __HR_PAGE_WORDS__;
  // The interface languages: WORDS also holds Gradio's own word table, and a name read
  // from storage or the page must be one of these, not any key ("gradio", "toString").
  const LANGUAGES = Object.keys(WORDS).filter((key) => key !== "gradio");
  const known = (name) => LANGUAGES.includes(name);
  const language = () => (known(document.documentElement.lang) ? document.documentElement.lang : "en");
  const word = (key) => WORDS[language()][key];

  // The interface language: the switch's last choice is kept in this browser (nothing of
  // it leaves the machine); the page's lang, its title and Gradio's words follow it.
  const LANGUAGE_KEY = "hr-language";
  window.hrLanguage = {
    chosen() {
      const kept = localStorage.getItem(LANGUAGE_KEY);
      if (known(kept)) return kept;
      return (navigator.language || "en").toLowerCase().startsWith("nl") ? "nl" : "en";
    },
    remember(chosen) {
      try {
        localStorage.setItem(LANGUAGE_KEY, chosen);
      } catch (err) {
        console.error("the interface language could not be kept", err); // storage full
      }
    },
    apply(chosen) {
      if (!known(chosen)) return;
      document.documentElement.lang = chosen;
      document.title = WORDS[chosen].page_title;
      relabel();
      gradioLanguage(chosen);
    },
  };

  // Gradio translates its own words (ui/app.py gives them, GRADIO_WORDS) into the
  // language it took from the browser at load; its module that holds that language is
  // already loaded, and importing it again hands over the same one, to switch it. What
  // Gradio draws from then on follows; what it drew already is swapped below.
  // Only a module served by this app is imported: the resources listed may come from
  // anywhere (whatever else the page or the browser loaded), and import() runs its code.
  let gradioCore = null;
  const GRADIO_CORE = /\/assets\/core-[\w-]+\.js$/;
  const ownGradioCore = (url) => {
    try {
      const where = new URL(url);
      return where.origin === location.origin && GRADIO_CORE.test(where.pathname);
    } catch {
      return false; // not a URL
    }
  };
  const gradioLanguage = async (chosen) => {
    const listed = performance.getEntriesByType("resource").map((entry) => entry.name);
    const core = listed.find(ownGradioCore);
    for (const url of listed.filter((url) => !ownGradioCore(url) && GRADIO_CORE.test(url))) {
      console.warn("a module named as Gradio's from another origin is not imported:", url);
    }
    if (!core) {
      console.warn("Gradio's words stay in the browser's language: its core module is not found");
      return;
    }
    try {
      gradioCore ??= import(core);
      const module = await gradioCore;
      if (typeof module.changeLocale === "function") module.changeLocale(chosen);
      else console.warn("Gradio's words stay in the browser's language: no changeLocale");
    } catch (err) {
      gradioCore = null;
      console.error("Gradio's language could not be switched", err);
    }
  };

  // What Gradio has drawn keeps the words of its language then (the browser's, at load),
  // and some of its labels are English whatever its language (a thumb once chosen, the
  // chat's and the sidebar's names, a toast's heading): each of these words, as Gradio
  // writes it or in any interface language, is swapped for the page's language's, also
  // when Gradio writes it anew. Only in what Gradio draws: never in what the articles and
  // the answers say (CONTENT), where "Info" may be an article's title.
  const FIXED = WORDS.gradio;
  const LABELS = ["aria-label", "title"];
  const LABELLED = "[aria-label], [title]";
  const GRADIO_TEXT = '[data-testid="upload-text"], [data-testid="toast-body"] .toast-title';
  // The chat's messages, every gr.HTML and gr.Markdown (sources, articles, tables, the
  // page's notes: the server words them in the interface language) and the previews.
  const CONTENT = "#chat .message-row, .html-container, .prose, #hr-tip-layer";
  const fixedOf = new Map();
  for (const [label, words] of Object.entries(FIXED)) {
    fixedOf.set(label, label);
    for (const said of Object.values(words)) fixedOf.set(said, label);
  }
  const inPageLanguage = (words) => {
    const label = fixedOf.get(words.trim());
    return label ? words.replace(words.trim(), FIXED[label][language()]) : words;
  };
  const relabelElement = (element) => {
    for (const name of LABELS) {
      const said = element.getAttribute(name);
      const wanted = said && inPageLanguage(said);
      if (wanted !== said) element.setAttribute(name, wanted);
    }
  };
  const relabelText = (place) => {
    const walker = document.createTreeWalker(place, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      const wanted = inPageLanguage(node.data);
      if (wanted !== node.data) node.data = wanted;
    }
  };
  // Gradio's words in ``root`` and below it, outside CONTENT.
  const relabelIn = (root) => {
    if (!root.isConnected || root.closest(CONTENT)) return;
    if (root.matches(LABELLED)) relabelElement(root);
    for (const element of root.querySelectorAll(LABELLED)) {
      if (!element.closest(CONTENT)) relabelElement(element);
    }
    const place = root.closest(GRADIO_TEXT);
    for (const text of place ? [place] : root.querySelectorAll(GRADIO_TEXT)) relabelText(text);
  };

  // What is watched for Gradio drawing anew: every part of the page but the chat's
  // messages, whose words stream in piece by piece (a relabel woken at each piece
  // searched the whole page again, dozens of times per answer). The nodes on the way
  // down to the message list are watched for their own labels and children; what lies
  // beside that way (the sidebar, the tabs, the sources, the toasts, an answer's thumbs)
  // in full. A change of the way's children (a row, a tab drawn) watches anew.
  const MESSAGES = ".message-row";
  const WATCH_FULL = { subtree: true, childList: true, attributes: true, attributeFilter: LABELS };
  const WATCH_OWN = { childList: true, attributes: true, attributeFilter: LABELS };
  let way = new Set();
  const touched = new Set(); // relabelled at the next frame, at most once per frame
  let relabelling = 0;
  // Notes what ``records`` touched; true when the way itself changed.
  const collect = (records) => {
    let changed = false;
    for (const record of records) {
      if (record.type !== "childList") {
        touched.add(record.target);
        continue;
      }
      changed ||= way.has(record.target);
      for (const node of record.addedNodes) {
        if (node.nodeType === Node.ELEMENT_NODE) touched.add(node);
        else if (node.nodeType === Node.TEXT_NODE && record.target.closest(GRADIO_TEXT)) {
          touched.add(record.target);
        }
      }
    }
    return changed;
  };
  const relabelTouched = () => {
    relabelling = 0;
    for (const root of touched) relabelIn(root);
    touched.clear();
    watcher.takeRecords(); // only this script's own changes since the last wake-up
  };
  const watcher = new MutationObserver((records) => {
    if (collect(records) || !way.size) watch();
    if (touched.size && !relabelling) relabelling = requestAnimationFrame(relabelTouched);
  });
  // Gradio names each message by its raw content, [n] buttons and their tooltips
  // included (thousands of characters), in an aria-label that a plain div may not carry.
  // Without it, a screen reader reads the message's own text. Watched in the chat only.
  const MESSAGE = '[data-testid="bot"], [data-testid="user"]';
  const unlabel = (message) => message.removeAttribute("aria-label");
  const messageNames = new MutationObserver((records) => {
    for (const record of records) {
      if (record.type === "attributes") {
        if (record.target.matches(MESSAGE) && record.target.hasAttribute("aria-label")) {
          unlabel(record.target);
        }
      } else if (!record.target.closest(MESSAGE)) {
        for (const node of record.addedNodes) {
          if (node.nodeType !== Node.ELEMENT_NODE) continue;
          if (node.matches(`${MESSAGE}[aria-label]`)) unlabel(node);
          node.querySelectorAll(`:is(${MESSAGE})[aria-label]`).forEach(unlabel);
        }
      }
    }
  });
  let namedIn = null;
  const watch = () => {
    collect(watcher.takeRecords());
    watcher.disconnect();
    const chat = document.getElementById("chat");
    if (chat && chat !== namedIn) {
      messageNames.disconnect();
      messageNames.observe(chat, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ["aria-label"],
      });
      chat.querySelectorAll(`:is(${MESSAGE})[aria-label]`).forEach(unlabel);
      namedIn = chat;
    }
    const list = chat?.querySelector(".message-wrap") || chat?.querySelector(".bubble-wrap");
    way = new Set();
    if (!list) {
      watcher.observe(document.body, WATCH_FULL); // no chat yet: watched anew once it is
      return;
    }
    for (let node = list; node && node !== document.documentElement; node = node.parentElement) {
      way.add(node);
    }
    for (const node of way) {
      watcher.observe(node, WATCH_OWN);
      for (const child of node.children) {
        if (!way.has(child) && !(node === list && child.matches(MESSAGES))) {
          watcher.observe(child, WATCH_FULL);
        }
      }
    }
  };
  const relabel = () => {
    relabelIn(document.body);
    watcher.takeRecords();
  };
  watch();

  // Dark or light as the user last chose (else Gradio follows the system setting).
  const applyTheme = (theme) => document.body.classList.toggle("dark", theme === "dark");
  const chosen = localStorage.getItem("hr-theme");
  if (chosen) applyTheme(chosen);
  // On a phone the chat list would cover the chat: it starts closed there.
  const closeSidebarOnPhone = (tries) => {
    const sidebar = document.getElementById("chat-sidebar");
    if (!sidebar) {
      if (tries > 0) setTimeout(() => closeSidebarOnPhone(tries - 1), 200);
      return;
    }
    if (window.innerWidth < 768 && sidebar.classList.contains("open")) {
      sidebar.querySelector(".toggle-button")?.click();
    }
  };
  closeSidebarOnPhone(25);
  window.hrToggleTheme = () => {
    const theme = document.body.classList.contains("dark") ? "light" : "dark";
    localStorage.setItem("hr-theme", theme);
    applyTheme(theme);
  };

  // Saved chats, one localStorage key each: a tab writes only the chats it changed (the
  // server says which), so it never writes another tab's back stale. The chat on screen
  // is each tab's own (sessionStorage); a new tab opens the one last on screen in any.
  // What is read here goes to the server, which checks it field by field (ui/chats.py).
  const CHAT_KEY = "hr-chat:";
  const CURRENT_KEY = "hr-chat-current";
  const LEGACY_KEY = "hr-assistant-chats"; // Gradio's BrowserState: all chats in one value
  window.hrChats = {
    read() {
      const chats = [];
      for (let i = 0; i < localStorage.length; i++) {
        const key = localStorage.key(i);
        if (!key?.startsWith(CHAT_KEY)) continue;
        try {
          const chat = JSON.parse(localStorage.getItem(key));
          if (chat?.id === key.slice(CHAT_KEY.length)) chats.push(chat);
        } catch (err) {
          console.error("a saved chat could not be read", key, err);
        }
      }
      const current =
        sessionStorage.getItem(CURRENT_KEY) ?? localStorage.getItem(CURRENT_KEY) ?? "";
      return { chats, current };
    },
    write(changes) {
      let failed = false;
      for (const change of changes || []) {
        try {
          if (change.put) {
            localStorage.setItem(CHAT_KEY + change.put.id, JSON.stringify(change.put));
          } else if (change.remove) {
            localStorage.removeItem(CHAT_KEY + change.remove);
          } else if ("current" in change) {
            sessionStorage.setItem(CURRENT_KEY, change.current);
            localStorage.setItem(CURRENT_KEY, change.current);
          } else if (change.forget_legacy && !failed) {
            localStorage.removeItem(LEGACY_KEY); // its chats have keys of their own now
          }
        } catch (err) {
          failed = true; // the browser's storage is full: the old value stays
          console.error("a chat could not be saved", err);
        }
      }
      filterChats(); // a question just asked can be searched for
    },
  };
  // Another tab saved, renamed or deleted a chat: the list here follows.
  let syncing = null;
  window.addEventListener("storage", (event) => {
    if (event.key !== null && !event.key.startsWith(CHAT_KEY)) return;
    clearTimeout(syncing);
    syncing = setTimeout(() => {
      document.querySelector("#chats-sync")?.click();
      filterChats();
    }, 100);
  });

  // The search above the saved chats filters their list as you type, here in the
  // browser: nothing of it goes to the server. A chat matches by its title or by any
  // question asked in it, whatever the case or accents ("generaliste" finds "Généraliste").
  // Gradio draws the list anew when the server changes it: an observer filters it again.
  const fold = (words) =>
    words.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/\s+/g, " ").trim();
  const searchedFor = () =>
    fold(document.querySelector("#chat-search input, #chat-search textarea")?.value || "");
  // Each saved chat's id with the texts it is found by: its title and its questions. As
  // read from storage, unchecked (the server checks them): whatever is not text is skipped.
  const searchable = () =>
    new Map(
      window.hrChats.read().chats.map((chat) => [
        chat.id,
        [chat.title, ...(Array.isArray(chat.records) ? chat.records : []).map((r) => r?.question)]
          .filter((t) => typeof t === "string")
          .map(fold),
      ])
    );
  const listObserver = new MutationObserver(() => filterChats());
  let observedList = null;
  const filterChats = () => {
    const list = document.getElementById("chat-list");
    if (!list) return;
    if (list !== observedList) {
      listObserver.disconnect();
      listObserver.observe(list, { childList: true, subtree: true, characterData: true });
      observedList = list;
    }
    const query = searchedFor();
    const texts = query ? searchable() : new Map();
    let shown = 0;
    for (const label of list.querySelectorAll("label")) {
      const found = texts.get(label.querySelector("input")?.value) ?? [fold(label.textContent)];
      const match = !query || found.some((t) => t.includes(query));
      if (label.hidden === match) label.hidden = !match; // no change, no mutation
      shown += match ? 1 : 0;
    }
    // A status line, read out by screen readers when it fills, in the page's language.
    const note = document.querySelector("#chat-search-none [role=status]");
    if (!note) return;
    const none = query && !shown;
    const said = none ? note.dataset[document.documentElement.lang] || note.dataset.en : "";
    if (note.textContent !== said) note.textContent = said;
  };
  document.addEventListener("input", (event) => {
    if (event.target.closest?.("#chat-search")) filterChats();
  });
  new MutationObserver(() => filterChats()).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["lang"],
  });

  // A message as plain text: its paragraphs apart, each list item a "- " (or "1. ")
  // line, the [n] kept, and no preview, copy button or sources list.
  const squash = (text) =>
    text.split("\n").map((line) => line.replace(/\s+/g, " ").trim()).filter(Boolean).join("\n");
  const blockText = (block) => {
    if (block.matches("ul, ol")) {
      const numbered = block.matches("ol");
      return [...block.children]
        .map((li, i) => (numbered ? `${i + 1}. ` : "- ") + squash(li.textContent).replace(/\n/g, " "))
        .join("\n");
    }
    block.querySelectorAll("br").forEach((br) => br.replaceWith("\n"));
    return squash(block.textContent);
  };
  // A copy of a bubble's part with its words in the page's language only: a bubble
  // holds them in every language (ui/render.py, in_every_language).
  const inLanguage = (node) => {
    const clone = node.cloneNode(true);
    clone
      .querySelectorAll('[class*="hr-lang-"]')
      .forEach((n) => n.classList.contains("hr-lang-" + language()) || n.remove());
    return clone;
  };
  const plainText = (content) => {
    const clone = content.cloneNode(true);
    clone.querySelectorAll(".hr-tip, .hr-copy, details").forEach((n) => n.remove());
    const blocks = [...clone.querySelectorAll("p, ul, ol")].filter(
      (block) => !block.parentElement.closest("p, ul, ol")
    );
    if (!blocks.length) return squash(clone.textContent);
    return blocks.map(blockText).filter(Boolean).join("\n\n");
  };

  const copyText = (bubble) => {
    let out = plainText(bubble);
    const details = bubble.querySelector("details.hr-bubble-sources");
    if (details) {
      const summary = inLanguage(details.querySelector("summary"));
      const heading = summary.textContent.replace(/\s*\(\d+\)$/, "");
      // A source's machine translation is marked in the page's language only.
      const items = [...details.querySelectorAll("li")].map((li) =>
        inLanguage(li).textContent.replace(/\s+/g, " ").trim()
      );
      out += "\n\n" + heading + ":\n" + items.join("\n");
    }
    return out;
  };

  // The chat on screen as Markdown, each answer followed by its numbered sources.
  window.hrExportChat = () => {
    const lines = [];
    const title = document.querySelector("#chat-title input, #chat-title textarea")?.value;
    lines.push("# " + (title || word("page_title")), "");
    document.querySelectorAll("#chat .message-row").forEach((row) => {
      const content = row.querySelector(".message-content") || row;
      if (row.classList.contains("user-row")) {
        lines.push("**" + word("export_question") + ":** " + content.innerText.trim(), "");
      } else if (row.classList.contains("bot-row")) {
        lines.push(copyText(content), "");
      }
    });
    const blob = new Blob([lines.join("\n")], { type: "text/markdown" });
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "chat-" + new Date().toISOString().slice(0, 10) + ".md";
    document.body.appendChild(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
  };

  // The previews of the [n]: one tooltip on top of the page, filled from the [n]'s own
  // hidden .hr-tip. Inside the chat's scroll box a preview was cut off at the box's
  // edge, and axe could not tell the background of one lying over the answer's text.
  // It is placed over the chat's messages, under or over its [n], and covers nothing else.
  const tip = document.createElement("div");
  tip.id = "hr-tip-layer";
  tip.className = "hr-tip-layer";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.appendChild(tip);
  let tipOf = null; // the [n] whose preview shows
  const hideTip = () => {
    tip.hidden = true;
    tipOf?.removeAttribute("aria-describedby");
    tipOf = null;
  };
  // Under its [n], else over it, within the chat's messages as far as they are on
  // screen; where neither side has room for all of it, it is cut short (with "…") on
  // the side with more room.
  const placeTip = (cite) => {
    const gap = 6;
    const chat = cite.closest(".bubble-wrap") || cite.closest("#chat") || document.body;
    const area = chat.getBoundingClientRect();
    const top = Math.max(area.top, 0) + gap;
    const bottom = Math.min(area.bottom, innerHeight) - gap;
    const left = Math.max(area.left, 0) + gap;
    const right = Math.min(area.right, innerWidth) - gap;
    const at = cite.getBoundingClientRect();
    if (at.bottom < top || at.top > bottom) return hideTip(); // its [n] scrolled away
    const body = tip.firstElementChild;
    tip.style.maxWidth = `${Math.max(right - left, 200)}px`;
    body.style.webkitLineClamp = "none";
    const size = tip.getBoundingClientRect();
    const below = bottom - at.bottom - gap;
    const above = at.top - gap - top;
    let height = size.height;
    if (height > below && height > above) {
      const frame = height - body.getBoundingClientRect().height; // padding and border
      const line = parseFloat(getComputedStyle(body).lineHeight) || 20;
      const lines = Math.floor((Math.max(below, above) - frame) / line);
      body.style.webkitLineClamp = String(Math.max(lines, 2));
      height = tip.getBoundingClientRect().height;
    }
    const y = height <= below ? at.bottom + gap : at.top - gap - height;
    const x = Math.min(Math.max(at.left, left), Math.max(right - size.width, left));
    tip.style.left = `${x}px`;
    tip.style.top = `${y}px`;
  };
  const showTip = (cite) => {
    const source = cite.querySelector(".hr-tip");
    if (!source || cite.classList.contains("hr-tip-off")) return;
    if (tipOf !== cite) {
      hideTip();
      const body = document.createElement("div"); // cut short where there is no room
      body.className = "hr-tip-body";
      body.append(...[...source.childNodes].map((node) => node.cloneNode(true)));
      tip.replaceChildren(body);
      tipOf = cite;
      cite.setAttribute("aria-describedby", tip.id); // read after the [n]'s own name
    }
    tip.hidden = false;
    placeTip(cite);
  };
  for (const type of ["mouseover", "focusin"]) {
    document.addEventListener(type, (event) => {
      const cite = event.target.closest?.(".hr-cite");
      if (cite) showTip(cite);
    });
  }
  // A preview stays while the pointer is on its [n] or on the preview itself, or while
  // its [n] has the focus; it goes on Escape, or once its [n] is activated, and comes
  // back when the [n] is hovered or focused anew.
  document.addEventListener("mouseout", (event) => {
    if (!tipOf || !event.target.closest?.(".hr-cite, #hr-tip-layer")) return;
    const to = event.relatedTarget;
    if (to && (tip.contains(to) || tipOf.contains(to))) return;
    if (document.activeElement !== tipOf) hideTip();
  });
  document.addEventListener("focusout", (event) => {
    if (event.target === tipOf && !tipOf.matches(":hover") && !tip.matches(":hover")) hideTip();
  });
  for (const type of ["focusout", "mouseout"]) {
    document.addEventListener(type, (event) => {
      const cite = event.target.closest?.(".hr-cite");
      if (cite && !cite.contains(event.relatedTarget)) cite.classList.remove("hr-tip-off");
    });
  }
  const followTip = () => {
    if (tipOf?.isConnected) placeTip(tipOf);
    else if (tipOf) hideTip();
  };
  document.addEventListener("scroll", followTip, true);
  window.addEventListener("resize", followTip);
  new MutationObserver(() => tipOf && !tipOf.isConnected && hideTip()).observe(document.body, {
    subtree: true,
    childList: true,
  });

  // The article viewer: a [n] or a source card opens it with the keyboard focus on the
  // cited passage; Close, or Escape, hands the focus back to what opened it. On a phone
  // it is a sheet over the whole page (see the CSS), and Escape closes it from anywhere.
  const SHEET = window.matchMedia("(max-width: 640px)");
  const viewer = () => document.getElementById("article-view");
  const viewerOpen = () =>
    !!viewer()?.querySelector(".hr-viewer") && !viewer().classList.contains("hr-closed");
  let openedBy = null; // { element, cls, index } of the [n] or card that opened it
  const openers = () => [...document.querySelectorAll(".hr-open")];
  const openerNow = () => {
    if (!openedBy) return null;
    if (openedBy.element.isConnected) return openedBy.element;
    // Gradio drew the messages anew: the opener at the same place for the same passage.
    const all = openers();
    const same = all[openedBy.index];
    if (same?.classList.contains(openedBy.cls)) return same;
    return all.find((element) => element.classList.contains(openedBy.cls)) || null;
  };
  // Run once the opened article is on the page (the opener's event, ui/layout_chat.py);
  // after a switch of language, which words it anew, it only scrolls back ({ focus: false }).
  window.hrShowCited = ({ focus = true } = {}) => {
    const view = viewer();
    if (!view || (!focus && view.classList.contains("hr-closed"))) return;
    view.classList.remove("hr-closed");
    hideTip();
    const mark = document.getElementById("cited-passage");
    const box = mark?.closest(".hr-article");
    if (!mark || !box) return; // the passage changed since (its note shows instead)
    if (!SHEET.matches) view.scrollIntoView({ block: "nearest" }); // its title and Close
    // The article scrolls in its own box: the passage in its middle, or from its start.
    const offset = mark.getBoundingClientRect().top - box.getBoundingClientRect().top;
    box.scrollTop += offset - Math.max(8, (box.clientHeight - mark.offsetHeight) / 2);
    mark.tabIndex = -1;
    if (focus) mark.focus({ preventScroll: true });
  };
  // The passage whose article is open beside the chat ("" when none is): a switch of
  // language words it anew (ui/layout_chat.py).
  window.hrOpenedPassage = () =>
    viewer() && !viewer().classList.contains("hr-closed") && viewer().textContent.trim()
      ? window.hrOpener || ""
      : "";
  const closeViewer = () => {
    viewer()?.classList.add("hr-closed");
    const back = openerNow();
    openedBy = null;
    if (back) {
      back.classList.add("hr-tip-off"); // it has just been read in full
      back.focus();
    }
  };
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (tipOf) {
      tipOf.classList.add("hr-tip-off");
      hideTip();
    }
    if (viewerOpen() && (SHEET.matches || viewer().contains(event.target))) closeViewer();
  });

  // After a vote (ui/layout_chat.py): a thumbs-down's reason form, once shown, scrolled into
  // view with the focus in it. Gradio draws it a moment after the event; a thumbs-up
  // leaves it hidden, and this does nothing.
  const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
  window.hrShowReason = async () => {
    await frame();
    await frame();
    for (let tries = 0; tries < 12; tries++) {
      const form = document.getElementById("feedback-reason"); // the outer of Gradio's two
      if (form?.offsetParent) {
        form.scrollIntoView({ block: "nearest" });
        form.querySelector("input, textarea")?.focus({ preventScroll: true });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  };

  // Each copy button's own words (in every language), taken at its first click, before
  // it ever says "Copied", and the timer that gives them back: a second click while it
  // says "Copied" restarts that timer, and the words it gives back are still its own.
  const copyButtons = new WeakMap();
  document.addEventListener("click", async (event) => {
    const opener = event.target.closest(".hr-open");
    if (opener) {
      event.preventDefault();
      opener.classList.add("hr-tip-off"); // the article now shows what the preview did
      hideTip();
      window.hrOpener = [...opener.classList].find((c) => c.startsWith("hr-src-")) || "";
      openedBy = { element: opener, cls: window.hrOpener, index: openers().indexOf(opener) };
      document.querySelector("#opener-go")?.click();
      return;
    }
    const copy = event.target.closest(".hr-copy");
    if (copy) {
      event.preventDefault();
      const bubble = copy.closest(".message-content") || copy.parentElement;
      if (!copyButtons.has(copy)) copyButtons.set(copy, { label: [...copy.childNodes], timer: 0 });
      const button = copyButtons.get(copy);
      try {
        await navigator.clipboard.writeText(copyText(bubble));
        clearTimeout(button.timer); // a second click restarts the time "Copied" shows
        copy.textContent = word("copied");
        button.timer = setTimeout(() => copy.replaceChildren(...button.label), 1500);
      } catch (err) {
        console.error("copy failed", err);
      }
      return;
    }
    if (event.target.closest(".hr-close")) closeViewer();
  });
}
