"""Every person's home: the page the site name and signing in lead to, chosen from her roles
(``choice.py``, pure), the page for a person with several roles, and a coordinator's overview of her
organisation (``services.py``, ``views.py``)."""
