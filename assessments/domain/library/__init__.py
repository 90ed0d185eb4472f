"""The children's rights library: frameworks (IVRK, General Comment No. 25, Code voor
Kinderrechten, the DSA article 28 guidelines, the AADC, the KIA's own categories and
values), catalogues of typical risks and measures, and mappings between them.

``data/`` holds one YAML file per framework or catalogue (checked against
``library.schema.json``); ``loader`` reads and loads them; ``catalogue`` finds items and
links rows to them; ``coverage`` says which items an assessment addresses."""
