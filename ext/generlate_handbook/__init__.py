"""The Generlate Support handbook's policy, as code.

Data flows one way::

    policy/*.yaml --source--> located YAML --model--> typed Policy --+--> checks  (invariants)
                                                                    +--> clock   (business hours)
                                                                    +--> sphinxext (tables, roles)

Only :mod:`generlate_handbook.sphinxext` imports Sphinx or docutils; the model, the checks and
the clock are plain Python so support tooling can use the policy without a docs toolchain.
"""
