"""Our date and number formats per language (settings.FORMAT_MODULE_PATH).

One date style per locale, and the same grouping of thousands in every language: Django's
own Chinese formats group by ten thousand with no separator (272415.00), which finance
reads as a typo next to the English 272,415.00. Amounts are shown with ``|money``."""
