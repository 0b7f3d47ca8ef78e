"""orders-service: create and read orders; prices come from the pricing service."""
