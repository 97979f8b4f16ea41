"""ipywidgets composers for the Voilà workshop apps (the notebooks in ``notebooks/``
beside this module, shipped as package data).

Each app is a small class: a *model* part with plain methods that do the work (tested
without a browser) and a ``widget`` built from ipywidgets whose callbacks only call
those methods.  Participant apps (mapping, evaluation answers) import nothing heavy, so
that thirty phones get their pages quickly; the wall and facilitator views draw with
Bokeh.  Settings come from the environment that ``verkostolab workshop`` gives every
kernel: ``VERKOSTOLAB_STORE``, ``VERKOSTOLAB_LANG``, ``VERKOSTOLAB_FACILITATOR_CODE``.
"""
