"""The game-theoretic core: spatial utilities, bargaining and red lines. Free of Mesa."""
