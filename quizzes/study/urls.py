from django.urls import path

from . import card_views, views

urlpatterns = [
    path("sets/<slug:key>/study/", views.study_quizset, name="study_quizset"),
    path("sources/<slug:key>/study/", views.study_source, name="study_source"),
    path("review/", views.review, name="review"),
    path("review/undo/", views.undo, name="undo"),
    path("review/<int:card_id>/reveal/", views.reveal, name="reveal"),
    path("review/<int:card_id>/answer/", views.answer, name="review_answer"),
    path("review/<int:card_id>/rate/", views.rate, name="rate"),
    path("review/<int:card_id>/bury/", views.bury, name="bury"),
    path("review/<int:card_id>/suspend/", views.suspend, name="suspend"),
    path("progress/", views.progress, name="progress"),
    path("study/settings/", views.study_settings, name="study_settings"),
    path("study/optimize/", views.optimize, name="optimize"),
    path("study/log.csv", views.export_log, name="export_log"),
    path("study/log/import/", views.import_log, name="import_log"),
    path("cards/", card_views.browser, name="cards"),
    path("cards/bulk/", card_views.bulk, name="cards_bulk"),
    path("cards/undo/", card_views.undo_remove, name="cards_undo"),
    path("cards/new/", card_views.new_card, name="new_card"),
    path("cards/<int:card_id>/", card_views.card, name="card"),
    path("cards/<int:card_id>/edit/", card_views.edit_card, name="edit_card"),
    path("cards/<int:card_id>/delete/", card_views.delete_card, name="delete_card"),
    path("decks/", card_views.decks, name="decks"),
    path("decks/all/study/", card_views.study_deck, name="study_all"),
    path("decks/<int:deck_id>/", card_views.deck, name="deck"),
    path("decks/<int:deck_id>/study/", card_views.study_deck, name="study_deck"),
    path("studies/<int:study_id>/deck/", card_views.study_to_deck, name="study_to_deck"),
    path("studies/<int:study_id>/remove/", card_views.remove_study, name="remove_study"),
]
