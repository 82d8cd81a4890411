// earchive web UI: file preview on the case page, uploads with progress on the console.
"use strict";

function setupPreview() {
  const panel = document.getElementById("preview");
  if (!panel) return;
  const frame = document.getElementById("preview-frame");
  const img = document.getElementById("preview-img");
  const title = document.getElementById("preview-title");
  document.querySelectorAll("button.preview").forEach((button) => {
    button.addEventListener("click", () => {
      const pdf = button.dataset.kind === "pdf";
      title.textContent = button.dataset.title || "";
      frame.hidden = !pdf;
      img.hidden = pdf;
      if (pdf) { frame.src = button.dataset.src; img.removeAttribute("src"); }
      else { img.src = button.dataset.src; frame.removeAttribute("src"); }
      panel.hidden = false;
      panel.scrollIntoView({ behavior: "smooth", block: "start" });
    });
  });
  document.getElementById("preview-close").addEventListener("click", () => {
    panel.hidden = true;
    frame.removeAttribute("src");
    img.removeAttribute("src");
  });
}

function uploadOne(file, list) {
  return new Promise((resolve) => {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    const status = document.createElement("span");
    status.className = "status";
    item.append(name, bar, status);
    list.prepend(item);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/cases");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    xhr.addEventListener("load", () => {
      bar.value = 100;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
      if (xhr.status === 201 || xhr.status === 200) {
        item.classList.add("ok");
        status.textContent = `${body.status} · ${body.archival_code || ""}`;
      } else {
        item.classList.add("refused");
        const codes = (body.codes || []).join(", ");
        status.textContent = `${xhr.status} ${body.title || ""} ${codes}`;
      }
      item.dataset.status = String(xhr.status);
      resolve();
    });
    xhr.addEventListener("error", () => {
      item.classList.add("refused");
      status.textContent = "network error";
      resolve();
    });
    const form = new FormData();
    form.append("package", file, file.name);
    xhr.send(form);
  });
}

function setupUpload() {
  const form = document.getElementById("upload-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = document.getElementById("upload-files");
    const list = document.getElementById("upload-list");
    for (const file of input.files) await uploadOne(file, list);
    list.dataset.done = "true";
  });
}

function setupPurpose() {
  document.querySelectorAll("form.purpose input").forEach((input) => {
    input.addEventListener("change", () => input.form.submit());
  });
}

function setupThumbnails() {
  // a hit whose result document may not be shown in small (403/404) shows no picture
  document.querySelectorAll("img.thumb").forEach((img) => {
    if (img.complete && img.naturalWidth === 0) img.remove();
    else if (img.complete) img.classList.add("loaded");
    else {
      img.addEventListener("error", () => img.remove());
      img.addEventListener("load", () => img.classList.add("loaded"));
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupPreview();
  setupThumbnails();
  setupUpload();
  setupPurpose();
});
