"""The Kivy shell: the app, its screens and the headless harness. The only package that imports kivy."""
