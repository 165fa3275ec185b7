"""The pages a Danish public body must publish: the accessibility statement (tilgængelighedserklæring)
and the privacy notice (privatlivspolitik, GDPR art. 13). Their facts live in data modules of their own
(``who_sees_what``, ``cookies``, ``statement``, ``controllers``); the views only render them."""
