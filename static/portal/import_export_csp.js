// django-import-export's export page binds its "select all" toggle with an inline onchange
// handler, which the Content-Security-Policy blocks; templates/admin/import_export/
// export.html drops it and this binds the library's own function instead.
document.querySelectorAll("input.select-toggle").forEach(function (toggle) {
  toggle.addEventListener("change", function (event) { onSelectToggleChange(event); });
});
