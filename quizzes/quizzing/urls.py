from django.urls import path

from . import views

urlpatterns = [
    path("sets/<slug:key>/", views.quizset, name="quizset"),
    path("sets/<slug:key>/start/", views.start, name="start"),
    path("sets/<slug:key>/try/", views.try_question, name="try"),
    path("sets/<slug:key>/try/<int:position>/", views.try_question, name="try_question"),
    path("attempts/<int:pk>/", views.attempt, name="attempt"),
    path("attempts/<int:pk>/<int:position>/", views.question, name="question"),
    path("attempts/<int:pk>/finish/", views.finish, name="finish"),
    path("attempts/<int:pk>/results/", views.results, name="results"),
    path("attempts/<int:pk>/retake/", views.retake_missed, name="retake"),
]
