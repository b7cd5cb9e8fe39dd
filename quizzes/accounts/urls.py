from django.urls import path

from . import views

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    # Django's view with the mail in the user's language (before django.contrib.auth.urls, which it shadows).
    path("accounts/password_reset/", views.password_reset, name="password_reset"),
    path("accounts/invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("accounts/email/", views.change_email, name="change_email"),
    path("accounts/email/<str:token>/", views.confirm_email, name="confirm_email"),
]
