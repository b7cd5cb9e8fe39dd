from django.urls import path

from . import planning_views, views

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
    path("study/plan/", planning_views.simulator, name="simulator"),
    path("study/exams/", planning_views.exam_dates, name="exam_dates"),
    path("study/exams/<int:pk>/", planning_views.exam_date, name="exam_date"),
]
