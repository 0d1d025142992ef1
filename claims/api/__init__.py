"""The REST API (/api/v1/): thin views over the services; serializers translate, never decide."""
