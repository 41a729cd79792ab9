"""The copyright desk's models. `editorial.models` imports every one of them, so the app label stays `editorial`."""
