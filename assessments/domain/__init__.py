"""The domain: what a KIA is and the rules for changing one. The Django app of the models
(label ``assessments``).

The instrument's texts (``instrument``) and scoring (``scoring``); the models (``models``);
the kinds of rows an assessment holds (``rowkinds``); the lifecycle's vocabulary
(``states``) and its transitions (``lifecycle``); the one write path and its history
(``editing``), restoring (``restore``); reading an assessment (``workspace``), versions
(``versions``) and their format (``exchange``); who may do what (``permissions``); review,
comments, the service's reply, follow-up, re-assessment and notifications.

It imports only ``infra`` below it. It tells the layers above that something happened
through signals (``lifecycle.version_settled``, ``events.happened``), never by importing
them.
"""
